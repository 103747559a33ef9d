"""The campaign report: figures computed from the reported identities' applications, charts,
and the page that carries them (report.json and report.html, docs/formats.md section 11)."""
