#!/usr/bin/env python3
"""Validates rbm-study JSON documents against the JSON Schemas in schemas/ (draft 2020-12).

Usage: validate-schemas.py DOCUMENT.json ...
Each document names its schema in its "schema" field: "rbm-study/NAME/1" is checked against
schemas/NAME.schema.json (the shared definitions in common.schema.json and manifest.schema.json
are resolved by their $id). Prints one line per failure and exits 1 when any document fails.
"""
import json
import pathlib
import sys

import jsonschema

SCHEMAS = pathlib.Path(__file__).resolve().parent.parent / "schemas"


def load_schemas():
    return {path.name: json.loads(path.read_text()) for path in sorted(SCHEMAS.glob("*.schema.json"))}


def validator_for(schema, schemas):
    """A draft 2020-12 validator resolving references to the other schema files by their $id."""
    try:
        from referencing import Registry, Resource
        registry = Registry().with_resources(
            (document["$id"], Resource.from_contents(document)) for document in schemas.values())
        return jsonschema.Draft202012Validator(schema, registry=registry)
    except ImportError:  # jsonschema < 4.18 (Debian bookworm's python3-jsonschema)
        store = {document["$id"]: document for document in schemas.values()}
        resolver = jsonschema.RefResolver.from_schema(schema, store=store)
        return jsonschema.Draft202012Validator(schema, resolver=resolver)


def main(paths):
    schemas = load_schemas()
    for document in schemas.values():
        jsonschema.Draft202012Validator.check_schema(document)
    failures = 0
    for path in paths:
        document = json.loads(pathlib.Path(path).read_text())
        name = document.get("schema", "") if isinstance(document, dict) else ""
        parts = name.split("/")
        file = f"{parts[1]}.schema.json" if len(parts) == 3 and parts[0] == "rbm-study" else None
        if file not in schemas:
            print(f"FAIL: {path}: no schema file for schema '{name}'")
            failures += 1
            continue
        errors = sorted(validator_for(schemas[file], schemas).iter_errors(document), key=lambda e: list(e.absolute_path))
        for error in errors[:5]:
            where = "/".join(str(p) for p in error.absolute_path) or "(top)"
            print(f"FAIL: {path}: {file}: at {where}: {error.message[:300]}")
        failures += bool(errors)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
