"""The lab: a demo world to run fauxhire on, and the evaluation of a run against its truth.

Beside the product, not inside it: ``fauxhire`` never imports ``fauxhire_lab`` (an import
contract in pyproject.toml says so). The lab imports the product, and contributes its
commands, ``fauxhire demo`` and ``fauxhire evaluate``, through the ``fauxhire.commands``
entry points, which the command line finds without importing the lab by name.

- ``world/``: the generator of demo worlds (input folder and truth folder), pure of settings;
- ``evaluation/``: scoring predictions against a truth, pure of the store;
- ``services/``: the use cases over the product's store (``demo``, ``evaluate``);
- ``cli/``: the two commands.
"""
