# The README's two commands: `make demo` (the main job) and `make test` (every test).
# Both bootstrap from nothing but python3 and make: a private uv in .tools/, then the
# locked environment in .venv/.
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV := .venv
RUN := $(UV) run --frozen --no-sync

# The bench scripts without a .py suffix are named one by one: ruff reads only *.py in folders.
LINTED := src tests bench bench/queue bench/ingest bench/demo bench/linking/febrl bench/link bench/assess \
	bench/assess_fit bench/detection bench/report bench/folder bench/meetings bench/ipintel \
	bench/stix bench/cli_start \
	bench/same_outputs bench/screen bench/screen_link bench/screen_assess bench/cross_member \
	bench/console bench/share bench/engines bench/spark_stages

.PHONY: demo test test-spark setup browser java lint clean bench-ingest

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# --compile-bytecode: uv installs without .pyc files, and where PYTHONDONTWRITEBYTECODE is set
# none is ever written, so every command (and every ingest worker) would compile SQLAlchemy,
# pydantic and the rest anew: 1.5-2.5 s of CPU a process start.
# --all-extras: make test tests the MISP export and the Spark engine, so the environment
# holds misp-stix and PySpark (a 450 MB download, once: uv keeps it in its cache).
$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --quiet --compile-bytecode --all-extras
	touch $@

setup: $(VENV)/.synced

# The report's browser test drives Debian's chromium through chromedriver (a test tool's own
# browser download does not work here). Installed where we may: as root, with apt-get.
browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing chromium and chromium-driver (Debian packages)" >&2; \
	    apt-get install -y -q --no-install-recommends chromium chromium-driver >/dev/null 2>&1 || \
	    { apt-get update -q >/dev/null && \
	      apt-get install -y -q --no-install-recommends chromium chromium-driver >/dev/null; }; \
	  else echo "no chromium and not root: the browser test will be skipped" >&2; fi; \
	fi

# The Spark engine's tests run PySpark in local mode, which needs a JDK 17 or later, and read
# records tables over JDBC with PostgreSQL's driver: the machine's, or Debian's, installed
# where we may.
java:
	@if ! command -v java >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing openjdk-17-jre-headless (Debian package)" >&2; \
	    apt-get install -y -q --no-install-recommends openjdk-17-jre-headless >/dev/null 2>&1 || \
	    { apt-get update -q >/dev/null && \
	      apt-get install -y -q --no-install-recommends openjdk-17-jre-headless >/dev/null; }; \
	  else echo "no java and not root: the Spark engine's tests will fail" >&2; fi; \
	fi
	@if [ ! -f /usr/share/java/postgresql.jar ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing libpostgresql-jdbc-java (Debian package)" >&2; \
	    apt-get install -y -q --no-install-recommends libpostgresql-jdbc-java >/dev/null 2>&1 || \
	    { apt-get update -q >/dev/null && \
	      apt-get install -y -q --no-install-recommends libpostgresql-jdbc-java >/dev/null; }; \
	  else echo "no PostgreSQL JDBC driver and not root: the JDBC test will fail" >&2; fi; \
	fi

demo: setup
	rm -rf demo-out
	$(RUN) fauxhire demo --size small --seed 1 --out demo-out

# The gates (style, formatting, strict types, layers) before the tests: CI runs them all.
lint: setup
	$(RUN) ruff check $(LINTED)
	$(RUN) ruff format --check $(LINTED)
	$(RUN) mypy src
	$(RUN) lint-imports

# Three workers on two cores: much of the suite's wall time is waiting (servers starting
# and killed, subprocesses, PostgreSQL, the browser); four were no faster (1,366 s of
# pytest against 1,318 s), the cores being busy with the Spark engine's tests, which one
# worker runs on one JVM (tests/conftest.py).
test: lint browser java
	$(RUN) pytest -n 3 --dist loadfile --durations=25

# The Spark engine's tests alone, on one JVM (make test runs them too, in one worker).
test-spark: setup java
	$(RUN) pytest -m spark

bench-ingest: setup
	$(RUN) python bench/ingest --rows 1000000

# fauxhire.toml only if the demo wrote it (its first line says so), never one a person wrote.
clean:
	rm -rf .tools $(VENV) demo-out
	if head -n 1 fauxhire.toml 2>/dev/null | grep -q '^# Written by fauxhire demo'; then rm fauxhire.toml; fi
