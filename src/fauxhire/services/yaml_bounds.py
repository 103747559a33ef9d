"""How large a YAML document becomes once its aliases are expanded, found without expanding.

An alias repeats a whole earlier node; nine aliases of nine aliases of ... make a 1 KB file a
billion nodes (the "billion laughs"). PyYAML builds such a document cheaply, as shared objects,
but anything that walks it (validating a ruleset, finding a field's line) walks every copy:
45 s to a MemoryError. Counting each distinct node once, memoised, costs one pass over the file.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from fauxhire.errors import RuleError


def expanded_nodes(text: str) -> int:
    """The number of nodes the document holds with every alias expanded (0 for no document)."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is None:
        return 0
    sizes: dict[int, int] = {}
    # Depth-first without recursion, so deep nesting cannot overflow the stack either; a
    # node's size is known once its children's are.
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if children_done or not children:
            sizes[id(node)] = 1 + sum(sizes[id(child)] for child in children)
            continue
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def check_yaml_size(text: str, source: str, max_nodes: int) -> None:
    """RuleError naming the file and the limit when the expanded document is too large.
    Invalid YAML passes: the ruleset's own parser reports it with its line."""
    try:
        nodes = expanded_nodes(text)
    except yaml.YAMLError:
        return
    if nodes > max_nodes:
        raise RuleError(
            f"{source}: the YAML expands, through its aliases (&anchor / *alias), to more than "
            f"{max_nodes:,} nodes (max_yaml_nodes); refused unread",
            path=source,
            nodes=nodes,
        )


def check_ruleset_file_size(path: Path | None, max_nodes: int) -> None:
    """The check for a ruleset file, before anything parses it further (None: the shipped
    ruleset, which is ours)."""
    if path is None:
        return
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return  # the ruleset's loader says why it cannot read the file
    check_yaml_size(text, str(path), max_nodes)
