"""View decorators shared by the patient portal."""
import functools

import analytics
import sentry_sdk


def tracked(event):
    """Send a Segment event for every successful call of the view."""
    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if response.status_code < 400:
                analytics.track(request.user.email, event, {"path": request.path})
            return response
        return wrapper
    return decorator


def with_error_user(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        sentry_sdk.set_user({"email": request.user.email})
        return view(request, *args, **kwargs)
    return wrapper
