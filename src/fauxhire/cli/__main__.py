"""`python -m fauxhire.cli`, as the `fauxhire` script."""

from fauxhire.cli import main

main()
