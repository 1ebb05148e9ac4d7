#!/usr/bin/env python3
"""Regenerate the Python client from the API's OpenAPI schema.

    .venv/bin/python clients/python/generate.py            # rewrite the committed client
    .venv/bin/python clients/python/generate.py --output DIR

Writes the schema to ``openapi.json`` and the client to ``shortbook-client/`` (a
package a bot installs with ``pip install clients/python/shortbook-client``) with
openapi-python-client, the version pinned in pyproject.toml's dev extra. The test
suite regenerates both into a temporary folder and fails when they differ from the
committed ones, so a change to the API ships with its client.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SCHEMA_FILE = "openapi.json"
CLIENT_DIR = "shortbook-client"
CONFIG = HERE / "generator.yaml"


def schema_write(path: Path) -> None:
    """Write the API's OpenAPI schema as JSON, as /api/v1/schema/ serves it."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("spectacular", format="openapi-json", file=str(path), fail_on_warn=True)


def client_generate(*, schema: Path, output: Path) -> None:
    """Generate the client package from ``schema`` into ``output`` (replaced whole)."""
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    subprocess.run(  # noqa: S603 (a tool of our own venv, arguments of our own)
        [
            str(bin_dir / "openapi-python-client"),
            "generate",
            "--path",
            str(schema),
            "--meta",
            "setup",
            "--config",
            str(CONFIG),
            "--output-path",
            str(output),
            "--overwrite",
            "--fail-on-warning",
        ],
        check=True,
        env=env,
        cwd=output.parent,
    )


def generate(output_dir: Path) -> None:
    output_dir.mkdir(parents=True, exist_ok=True)
    schema = output_dir / SCHEMA_FILE
    schema_write(schema)
    client_generate(schema=schema, output=output_dir / CLIENT_DIR)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=HERE, help="default: clients/python")
    generate(parser.parse_args().output.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
