"""The HTTP API (`fauxhire serve`, issue 17): an entry point beside the command line, over
the same composition root and services. ``app.create_app`` builds it; nothing here reaches the
store but through the services (an import contract says so)."""
