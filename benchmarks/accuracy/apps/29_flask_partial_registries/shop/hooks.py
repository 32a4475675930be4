"""Post-signup hooks, registered by name with @hook("name") and run by the views."""

HOOKS = {}


def hook(name):
    def register(func):
        HOOKS[name] = func
        return func
    return register
