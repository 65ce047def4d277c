#!/usr/bin/env python3
"""Validates SARIF files against the SARIF 2.1.0 JSON schema.

usage: validate-sarif.py SCHEMA FILE...   (exit 0 when all are valid)
"""
import json
import sys

import jsonschema


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    validator = jsonschema.Draft7Validator(schema)
    failed = False
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as f:
            document = json.load(f)
        for error in sorted(validator.iter_errors(document), key=lambda e: list(e.path)):
            failed = True
            location = "/".join(str(p) for p in error.path)
            print(f"{path}: {location}: {error.message}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
