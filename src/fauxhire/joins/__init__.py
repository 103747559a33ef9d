"""The cross-source join rules: which application a meeting participant was interviewed for,
which hire a sign-in belongs to, which applications an employer report names.

Pure: frames of what the store found in, frames of the choices out; no store, files or
settings (an import contract says so). The store finds the candidates by key
(``store/joins.py``), these rules choose among them, and the store writes the choices, so a
rule can be read, tested and changed without a database. Not ``domain``: the domain holds one
record's values and their normalisers, these rules relate records of different sources.
"""
