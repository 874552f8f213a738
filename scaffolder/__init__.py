"""scaffold: turn a customer problem statement into a runnable, instrumented prototype repository."""

__version__ = "0.1.0"
