"""The lab's commands, registered in pyproject.toml under the ``fauxhire.commands`` entry
points: ``fauxhire demo`` and ``fauxhire evaluate``."""
