"""privacylint: checks a Python project's personal-data flows against its privacy policy's claims."""

__version__ = "0.1.0"
