"""fauxhire: open-source threat intelligence against fraudulent remote job applicants."""

__version__ = "0.1.0"
