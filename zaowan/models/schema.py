"""Structured output: pull one JSON value out of a model's text and check it against a schema.

The validator covers the JSON Schema subset agents use, including what pydantic's
`model_json_schema()` emits: type, properties, required, additionalProperties, items, enum,
const, min/max length/items, (exclusive) minimum/maximum, anyOf/oneOf/allOf and local
`$ref`s into `$defs`.
Unknown keywords are ignored, as the spec says. Errors name the path, so a re-ask can tell
the model exactly what to fix.
"""
from __future__ import annotations

import json
import re
from typing import Any

_FENCE = re.compile(r"^\s*```(?:json|JSON)?\s*\n(.*?)\n?```\s*$", re.S)

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,), "array": (list,), "string": (str,), "boolean": (bool,),
    "integer": (int,), "number": (int, float), "null": (type(None),),
}


class SchemaError(ValueError):
    """The text is not JSON, or the JSON does not match the schema; the message says where."""


def extract_json(text: str) -> Any:
    """Parse the JSON in `text`, tolerating a code fence or prose around one object/array."""
    body = text.strip()
    m = _FENCE.match(body)
    if m:
        body = m.group(1).strip()
    try:
        return json.loads(body)
    except json.JSONDecodeError as first:
        # Models sometimes wrap the object in a sentence; take the outermost braces.
        for open_, close in (("{", "}"), ("[", "]")):
            i, j = body.find(open_), body.rfind(close)
            if 0 <= i < j:
                try:
                    return json.loads(body[i:j + 1])
                except json.JSONDecodeError:
                    pass
        raise SchemaError(f"not valid JSON: {first.msg} at line {first.lineno} column {first.colno}") from first


def validate(value: Any, schema: dict, path: str = "$", root: dict | None = None) -> None:
    """Raise SchemaError at the first place `value` breaks `schema`."""
    root = schema if root is None else root
    if "$ref" in schema:
        validate(value, _deref(schema["$ref"], root), path, root)
    for sub in schema.get("allOf", []):
        validate(value, sub, path, root)
    for key in ("anyOf", "oneOf"):  # oneOf checked as anyOf: agents never rely on exclusivity
        if key in schema:
            _any_of(value, schema[key], path, root)
    _check_type(value, schema, path)
    if "enum" in schema and value not in schema["enum"]:
        raise SchemaError(f"{path}: {value!r} is not one of {schema['enum']!r}")
    if "const" in schema and value != schema["const"]:
        raise SchemaError(f"{path}: must equal {schema['const']!r}")
    if isinstance(value, str):
        _check_bounds(len(value), schema, "minLength", "maxLength", path, "characters")
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        _check_bounds(value, schema, "minimum", "maximum", path, "")
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            raise SchemaError(f"{path}: {value} must be above {schema['exclusiveMinimum']}")
        if "exclusiveMaximum" in schema and value >= schema["exclusiveMaximum"]:
            raise SchemaError(f"{path}: {value} must be below {schema['exclusiveMaximum']}")
    elif isinstance(value, list):
        _check_bounds(len(value), schema, "minItems", "maxItems", path, "items")
        if isinstance(schema.get("items"), dict):
            for i, item in enumerate(value):
                validate(item, schema["items"], f"{path}[{i}]", root)
    elif isinstance(value, dict):
        _check_object(value, schema, path, root)


def _deref(ref: str, root: dict) -> dict:
    if not ref.startswith("#/"):
        raise SchemaError(f"schema uses a non-local $ref {ref!r}")
    node: Any = root
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            raise SchemaError(f"schema $ref {ref!r} points nowhere")
        node = node[part]
    return node


def _any_of(value: Any, options: list[dict], path: str, root: dict) -> None:
    errors = []
    for option in options:
        try:
            validate(value, option, path, root)
            return
        except SchemaError as exc:
            errors.append(str(exc))
    raise SchemaError(f"{path}: matches none of the allowed shapes ({'; '.join(errors)})")


def _check_type(value: Any, schema: dict, path: str) -> None:
    wanted = schema.get("type")
    if wanted is None:
        return
    names = wanted if isinstance(wanted, list) else [wanted]
    for name in names:
        types = _TYPES.get(name)
        if types is None:
            raise SchemaError(f"{path}: schema uses unknown type {name!r}")
        # bool is an int in Python but not in JSON.
        if isinstance(value, types) and not (isinstance(value, bool) and name in ("integer", "number")):
            return
        if name == "integer" and isinstance(value, float) and value.is_integer():
            return
    raise SchemaError(f"{path}: expected {' or '.join(names)}, got {_json_type(value)}")


def _check_bounds(n: float, schema: dict, lo_key: str, hi_key: str, path: str, unit: str) -> None:
    if lo_key in schema and n < schema[lo_key]:
        raise SchemaError(f"{path}: {n} {unit} is below {lo_key} {schema[lo_key]}".replace("  ", " "))
    if hi_key in schema and n > schema[hi_key]:
        raise SchemaError(f"{path}: {n} {unit} is above {hi_key} {schema[hi_key]}".replace("  ", " "))


def _check_object(value: dict, schema: dict, path: str, root: dict) -> None:
    props: dict = schema.get("properties", {})
    for key in schema.get("required", []):
        if key not in value:
            raise SchemaError(f"{path}: missing required property {key!r}")
    extra = schema.get("additionalProperties", True)
    for key, item in value.items():
        if key in props:
            validate(item, props[key], f"{path}.{key}", root)
        elif extra is False:
            raise SchemaError(f"{path}: unexpected property {key!r}")
        elif isinstance(extra, dict):
            validate(item, extra, f"{path}.{key}", root)


def _json_type(value: Any) -> str:
    for name, types in _TYPES.items():
        if isinstance(value, types) and not (isinstance(value, bool) and name in ("integer", "number")):
            return name
    return type(value).__name__


def parse_and_validate(text: str, schema: dict) -> Any:
    """The one call the router makes: JSON out of text, checked against the schema."""
    value = extract_json(text)
    validate(value, schema)
    return value
