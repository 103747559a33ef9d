"""The project file's name, shared by the settings that read it and the demo that writes it:
the demo names its store there, and only the composition root reads settings."""

from typing import Final

PROJECT_FILE: Final = "fauxhire.toml"
