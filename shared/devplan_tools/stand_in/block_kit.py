"""Slack's Block Kit limits, checked the way Slack refuses a view or message that breaks one.

Written from Slack's reference (docs.slack.dev/reference/block-kit and views/home-tab-views),
independently of the product's own fitting (devplan/messages/home_fit.py), so a test that
validates a rendered view here checks the product against Slack's rules, not against itself.
`problems` answers every broken limit with a JSON pointer, as Slack's response_metadata does."""

from __future__ import annotations

from typing import Any

MAX_BLOCKS = {"home": 100, "modal": 100, "message": 50}
SECTION_TEXT, FIELD_TEXT, MAX_FIELDS = 3000, 2000, 10
HEADER_TEXT, BUTTON_TEXT, BUTTON_VALUE, URL = 150, 75, 2000, 3000
ACTION_ID, BLOCK_ID, CALLBACK_ID, PRIVATE_METADATA = 255, 255, 255, 3000
ACTIONS_ELEMENTS, CONTEXT_ELEMENTS, MODAL_TITLE = 25, 10, 24
BLOCK_TYPES = {
    "home": {"section", "header", "context", "divider", "actions", "image", "input", "rich_text", "video"},
    "modal": {"section", "header", "context", "divider", "actions", "image", "input", "rich_text", "video"},
    "message": {"section", "header", "context", "divider", "actions", "image", "rich_text", "video", "file"},
}


def problems(surface: str, blocks: Any, view: dict[str, Any] | None = None) -> list[str]:
    """Every limit `blocks` (and a view's own fields) break on `surface`: [] when Slack takes it."""
    found: list[str] = []
    if not isinstance(blocks, list):
        return ["must provide an array [json-pointer:/blocks]"]
    if len(blocks) > MAX_BLOCKS[surface]:
        found.append(f"must provide an array of no more than {MAX_BLOCKS[surface]} items [json-pointer:/blocks]")
    block_ids: set[str] = set()
    for i, block in enumerate(blocks):
        found += _block(surface, block, f"/blocks/{i}", block_ids)
    if view is not None:
        found += _view_fields(view)
    return found


def _view_fields(view: dict[str, Any]) -> list[str]:
    found = []
    if len(str(view.get("private_metadata", ""))) > PRIVATE_METADATA:
        found.append(f"must be less than {PRIVATE_METADATA} characters [json-pointer:/view/private_metadata]")
    if len(str(view.get("callback_id", ""))) > CALLBACK_ID:
        found.append(f"must be less than {CALLBACK_ID} characters [json-pointer:/view/callback_id]")
    if view.get("type") == "modal":
        title = view.get("title")
        if not (
            isinstance(title, dict)
            and title.get("type") == "plain_text"
            and 0 < len(title.get("text", "")) <= MODAL_TITLE
        ):
            found.append(f"must be plain_text of 1–{MODAL_TITLE} characters [json-pointer:/view/title]")
        for name in ("close", "submit"):
            label = view.get(name)
            if label is not None and len(label.get("text", "")) > MODAL_TITLE:
                found.append(f"must be less than {MODAL_TITLE} characters [json-pointer:/view/{name}]")
    return found


def _text(obj: Any, limit: int, where: str, *, plain: bool = False) -> list[str]:
    if not isinstance(obj, dict) or obj.get("type") not in (("plain_text",) if plain else ("plain_text", "mrkdwn")):
        return [f"must be a {'plain_text' if plain else 'text'} object [json-pointer:{where}]"]
    value = obj.get("text")
    if not isinstance(value, str) or not value:
        return [f"must be more than 0 characters [json-pointer:{where}/text]"]
    if len(value) > limit:
        return [f"must be less than {limit} characters [json-pointer:{where}/text]"]
    return []


def _block(surface: str, block: Any, where: str, block_ids: set[str]) -> list[str]:
    if not isinstance(block, dict) or block.get("type") not in BLOCK_TYPES[surface]:
        return [f"unsupported type [json-pointer:{where}]"]
    found: list[str] = []
    block_id = block.get("block_id")
    if block_id is not None:
        if not isinstance(block_id, str) or len(block_id) > BLOCK_ID:
            found.append(f"must be less than {BLOCK_ID} characters [json-pointer:{where}/block_id]")
        elif block_id in block_ids:
            found.append(f"duplicate block_id [json-pointer:{where}/block_id]")
        block_ids.add(str(block_id))
    kind = block["type"]
    if kind == "section":
        if "text" not in block and "fields" not in block:
            found.append(f"must provide text or fields [json-pointer:{where}]")
        if "text" in block:
            found += _text(block["text"], SECTION_TEXT, f"{where}/text")
        fields = block.get("fields", [])
        if len(fields) > MAX_FIELDS:
            found.append(f"must provide an array of no more than {MAX_FIELDS} items [json-pointer:{where}/fields]")
        for j, field in enumerate(fields):
            found += _text(field, FIELD_TEXT, f"{where}/fields/{j}")
        if "accessory" in block:
            found += _elements([block["accessory"]], f"{where}/accessory")
    elif kind == "header":
        found += _text(block.get("text"), HEADER_TEXT, f"{where}/text", plain=True)
    elif kind == "context":
        elements = block.get("elements", [])
        if not elements or len(elements) > CONTEXT_ELEMENTS:
            found.append(f"must provide 1–{CONTEXT_ELEMENTS} elements [json-pointer:{where}/elements]")
        for j, element in enumerate(elements):
            if isinstance(element, dict) and element.get("type") != "image":
                found += _text(element, SECTION_TEXT, f"{where}/elements/{j}")
    elif kind == "actions":
        elements = block.get("elements", [])
        if not elements or len(elements) > ACTIONS_ELEMENTS:
            found.append(f"must provide 1–{ACTIONS_ELEMENTS} elements [json-pointer:{where}/elements]")
        found += _elements(elements, f"{where}/elements")
    return found


def _elements(elements: list[Any], where: str) -> list[str]:
    """Interactive elements; action_ids unique within their block, as Slack requires."""
    found, action_ids = [], set()
    for j, element in enumerate(elements):
        at = f"{where}/{j}" if len(elements) > 1 or where.endswith("elements") else where
        if not isinstance(element, dict) or not element.get("type"):
            found.append(f"must be an element object [json-pointer:{at}]")
            continue
        action_id = element.get("action_id")
        if action_id is not None:
            if not isinstance(action_id, str) or len(action_id) > ACTION_ID:
                found.append(f"must be less than {ACTION_ID} characters [json-pointer:{at}/action_id]")
            elif action_id in action_ids:
                found.append(f"duplicate action_id [json-pointer:{at}/action_id]")
            action_ids.add(str(action_id))
        if element["type"] == "button":
            found += _text(element.get("text"), BUTTON_TEXT, f"{at}/text", plain=True)
            if len(str(element.get("value", ""))) > BUTTON_VALUE:
                found.append(f"must be less than {BUTTON_VALUE} characters [json-pointer:{at}/value]")
            if len(str(element.get("url", ""))) > URL:
                found.append(f"must be less than {URL} characters [json-pointer:{at}/url]")
            if element.get("style") not in (None, "primary", "danger"):
                found.append(f"must be primary or danger [json-pointer:{at}/style]")
    return found
