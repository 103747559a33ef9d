"""The console's bundled library is the published file its README names, byte for byte, with
its licence beside it: nothing fetched at run time, nothing edited by hand."""

from __future__ import annotations

import hashlib

from fauxhire.console import STATIC, VENDORED


def test_each_bundled_library_is_the_published_file_with_its_licence() -> None:
    readme = (STATIC / "vendor" / "README.md").read_text()
    for name, (version, digest) in VENDORED.items():
        held = (STATIC / "vendor" / name).read_bytes()
        assert hashlib.sha256(held).hexdigest() == digest, name
        assert version in readme and digest in readme, name
        stem = name.split(".")[0]
        assert "Permission is hereby granted" in (STATIC / "vendor" / f"{stem}.LICENSE").read_text()


def test_the_pages_load_the_library_from_the_package_only() -> None:
    script = (STATIC / "network.js").read_text()
    assert 'src: "vendor/cytoscape.min.js"' in script
    for page in STATIC.glob("*.js"):
        text = page.read_text().replace('"http://www.w3.org/2000/svg"', "")  # a name, not a URL
        assert "http://" not in text and "https://" not in text, page.name
