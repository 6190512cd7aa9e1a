"""JSON Schemas for the content files, generated from the pydantic model.

Editors' tools (VS Code's YAML extension) read them through the `yaml-language-server`
line at the top of each content file; a test keeps the committed copies in step.
"""

from __future__ import annotations

import json
from pathlib import Path

from .model import FILE_MODELS


def schema_documents() -> dict[str, str]:
    documents = {}
    for name, model_class in FILE_MODELS.items():
        schema = model_class.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"{name}.schema.json"
        documents[f"{name}.schema.json"] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return documents


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for filename, text in schema_documents().items():
        path = folder / filename
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
