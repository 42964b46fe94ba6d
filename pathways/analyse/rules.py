"""Intended pathways as timed rules: the YAML format of DESIGN §4 and its loader.

A pathway file says what should follow what, how soon, and which kind of break
it is when it does not::

    pathway: kols
    title: {nb: Kols-forløp, en: COPD pathway}
    rules:
      - id: epikrise-1d
        kind: information
        after: {activity: Utskrivning}
        expect: {activity: Epikrise sendt}
        within: 1d
        title: {nb: Epikrise ikke sendt innen ett døgn, en: Discharge summary late}
        source: "..."

The built-in pathways (``pathways/data/pathways/*.yaml``) load through the same
function as a user's file, :func:`load_pathway`. Every problem in a file is
reported, before any log is read, with the file, the line, the key and what is
allowed: the YAML is composed into nodes (which carry line numbers) and checked
node by node, so no value is ever constructed by anything but the safe loader.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd
import yaml

from pathways.enrich.activities import load_vocabulary, resolve_activity
from pathways.enrich.cohorts import PATHWAY_COHORTS
from pathways.enrich.levels import resolve_level, taxonomy
from pathways.enrich.pseudonym import mask_national_ids
from pathways.errors import RuleFileError
from pathways.log import MAX_WINDOW_DAYS

__all__ = [
    "KINDS",
    "MODEL_OPERATORS",
    "Matcher",
    "ModelNode",
    "Pathway",
    "PathwayModel",
    "Rule",
    "Text",
    "builtin_pathways",
    "load_pathway",
    "load_pathways",
    "parse_within",
]

#: The kinds of break (DESIGN §2).
KINDS = ("time", "information", "resource")

#: Microseconds per unit of a ``within`` duration (days and weeks are real time).
_UNIT_US = {
    "m": 60_000_000,
    "h": 3_600_000_000,
    "d": 86_400_000_000,
    "w": 604_800_000_000,
}
_WITHIN = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
_WITHIN_HELP = (
    "a whole number and a unit: m (minutes), h (hours), d (days of 24 hours) or "
    "w (weeks), such as 90m, 36h, 1d, 14d, 10w"
)

#: The safe loader, in C when libyaml is installed (only composes: no objects built).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_PATHWAY_KEYS = ("pathway", "title", "cohort", "description", "source", "rules", "model")

#: The operators of a pathway's ``model:`` (the intended order of its steps).
MODEL_OPERATORS = ("sequence", "choice", "parallel", "optional", "loop")
_RULE_KEYS = ("id", "kind", "after", "expect", "forbid", "within", "unless",
              "from", "calendar", "responsible", "title", "description", "source")
_MATCHER_KEYS = ("activity", "level")
#: Columns a matcher cannot name: times, positions, the case, and the two that
#: have keys of their own (``activity``, ``level``) in another form.
_NOT_MATCHABLE = {
    "case_id": "every rule is applied within one case",
    "timestamp": "times are what 'within' and 'from' judge",
    "end_timestamp": "times are what 'within' and 'from' judge",
    "ts_us": "times are what 'within' and 'from' judge",
    "end_us": "times are what 'within' and 'from' judge",
    "event_idx": "it is a position, not a property of the event",
    "row_no": "it is a position, not a property of the event",
    "activity_key": "use 'activity' (aliases are resolved)",
    "care_level": "use 'level'",
    "next_activity": "it describes the next event",
    "next_care_level": "it describes the next event",
    "next_resource": "it describes the next event",
    "next_ts_us": "it describes the next event",
}
_COLUMN_KEY = re.compile(r"^[^\s'\"`]+$")
#: ``from: admission`` or a duration before the trigger such as ``-12h``.
_FROM = re.compile(r"^\s*-\s*(\d+\s*[mhdw])\s*$")
_FROM_HELP = ("'admission' (the start of the hospital stay the trigger ends) or a "
              "duration before the trigger: a minus sign, a whole number and m, h, d "
              "or w, such as -12h")
#: The longest window or ``from`` taken: 20 years of days (longer ones cannot be
#: meant, and would overflow microsecond arithmetic).
_MAX_WINDOW_US = 7305 * 86_400_000_000
_TEXT_KEYS = ("nb", "en")


@dataclass(frozen=True)
class Text:
    """A text in Norwegian bokmål and English, both kept: the presentation picks one."""

    nb: str
    en: str


@dataclass(frozen=True)
class Matcher:
    """Which events a rule's ``after``, ``expect``, ``forbid`` or ``unless`` names.

    An event matches when its activity is one of ``activities`` (if any are
    given) and its care level is one of ``levels`` (if any are given).
    """

    #: Activity names as the rule wrote them.
    activities: tuple[str, ...] = ()
    #: The same names resolved through the activity vocabulary (aliases such
    #: as *Utskrevet* become *Utskrivning*), compared with the events'
    #: ``activity_key``.
    activity_keys: tuple[str, ...] = ()
    #: Level ids (a level may be written by id, label or alias).
    levels: tuple[str, ...] = ()
    #: Other columns of the canonical log (``urgency``, ``source``,
    #: ``organisation``, ...) and the values accepted in each, as the rule
    #: wrote them; all given must match. Whether the log has such a column is
    #: known only when the rule meets a log (:func:`pathways.breaks`).
    columns: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class ModelNode:
    """One node of a pathway's intended model: an activity or an operator over nodes."""

    #: One of :data:`MODEL_OPERATORS`, or None for an activity (a leaf).
    operator: str | None
    #: The activity as the file wrote it (leaves only).
    activity: str = ""
    #: The same name resolved through the activity vocabulary (leaves only).
    activity_key: str = ""
    #: The operator's steps, in file order. ``optional`` and ``loop`` have one.
    children: tuple[ModelNode, ...] = ()

    def activities(self) -> tuple[str, ...]:
        """The activities the model names, in file order, each once."""
        if self.operator is None:
            return (self.activity,)
        names = [a for child in self.children for a in child.activities()]
        return tuple(dict.fromkeys(names))

    def leaves(self) -> tuple[ModelNode, ...]:
        """The activity nodes, in file order."""
        if self.operator is None:
            return (self,)
        return tuple(leaf for child in self.children for leaf in child.leaves())


@dataclass(frozen=True)
class PathwayModel:
    """A pathway file's ``model:``: the intended order of its steps (docs/pathways.md)."""

    #: The top operator.
    root: ModelNode
    #: Where the intended order comes from (guideline, national pathway).
    source: str | None = None
    #: Line of ``model:`` in the file, for messages.
    line: int = 0


@dataclass(frozen=True)
class Rule:
    """One timed rule of a pathway (DESIGN §4).

    Exactly one of ``expect`` and ``forbid`` is set. ``within_us`` is the
    window in real elapsed microseconds; ``within`` is the text the file gave.
    ``start`` is the ``from`` the file gave (None: the trigger's time);
    ``start_us`` how long before the trigger the candidates begin (``from:
    -12h``); ``from_admission`` whether they begin at the admission of the
    hospital stay the trigger ends. ``calendar`` judges the window by local
    calendar days.
    """

    id: str
    kind: str
    after: Matcher
    within: str
    within_us: int
    expect: Matcher | None = None
    forbid: Matcher | None = None
    unless: Matcher | None = None
    responsible: str | None = None
    title: Text | None = None
    description: str | None = None
    source: str | None = None
    line: int = 0
    start: str | None = None
    start_us: int = 0
    from_admission: bool = False
    calendar: bool = False


@dataclass(frozen=True)
class Pathway:
    """An intended pathway: a name, a title, an optional cohort and its rules."""

    #: The ``pathway:`` key, or the file's stem when the file has none.
    name: str
    #: Title in both languages (the name when the file gives none).
    title: Text
    #: The rules, in file order.
    rules: tuple[Rule, ...]
    #: The cohort (DESIGN §2) the pathway is meant for.
    cohort: str | None = None
    #: Free text from the file: what the pathway is.
    description: str | None = None
    #: Free text from the file: the document it rests on.
    source: str | None = None
    #: The file it was read from, for messages.
    path: str = ""
    #: The intended order of the steps (``model:``), for conformance.
    model: PathwayModel | None = None


def parse_within(text: str) -> int:
    """A duration such as ``90m``, ``36h``, ``1d``, ``14d`` or ``10w``, in microseconds.

    A day is 24 real hours, also across a daylight-saving change.

    Examples
    --------
    >>> parse_within("36h") == 36 * 3_600_000_000
    True

    Raises
    ------
    ValueError
        When the text is not a whole number followed by m, h, d or w, or is
        longer than :data:`~pathways.log.MAX_WINDOW_DAYS` days (20 years).
    """
    match = _WITHIN.match(str(text))
    if match is None:
        raise ValueError(f"within must be {_WITHIN_HELP}; got {text!r}.")
    window = int(match.group(1)) * _UNIT_US[match.group(2)]
    if window > MAX_WINDOW_DAYS * _UNIT_US["d"]:
        raise ValueError(f"within must be at most {MAX_WINDOW_DAYS} days (20 years); "
                         f"got {text!r}.")
    return window


@lru_cache(maxsize=1)
def vocabulary() -> pd.DataFrame:
    """The built-in activity vocabulary, read once (rule names resolve through it)."""
    return load_vocabulary()


# --- where the built-in pathways are --------------------------------------


def _builtin_folder() -> Path:
    return Path(str(resources.files("pathways.data").joinpath("pathways")))


def builtin_pathways() -> list[str]:
    """The names of the built-in pathways (kols, diabetes, hjerneslag, eldre).

    Examples
    --------
    >>> set(builtin_pathways()) <= {"kols", "diabetes", "hjerneslag", "eldre"}
    True
    """
    folder = _builtin_folder()
    names = sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []
    order = {name: i for i, name in enumerate(PATHWAY_COHORTS)}
    return sorted(names, key=lambda n: (order.get(n, len(order)), n))


def load_pathway(name_or_path: str | Path | Pathway) -> Pathway:
    """Load a pathway: a built-in one by name, or a YAML rule file by path.

    Parameters
    ----------
    name_or_path : str, Path or Pathway
        ``kols``, ``diabetes``, ``hjerneslag``, ``eldre``, or the path of a
        YAML file in the format of DESIGN §4. A :class:`Pathway` is returned
        as it is.

    Returns
    -------
    Pathway

    Raises
    ------
    RuleFileError
        When the file is missing, is not valid YAML, or breaks the format; the
        message names the file, the line, the key and what is allowed.
    """
    if isinstance(name_or_path, Pathway):
        return name_or_path
    text = str(name_or_path)
    path = Path(text)
    if path.is_dir():
        raise RuleFileError(f"{path} is a folder, not a rule file. Name a YAML rule file.")
    if not path.is_file() and path.suffix.lower() not in (".yaml", ".yml"):
        if text in builtin_pathways():
            return _load_builtin(text)
        known = ", ".join(builtin_pathways()) or "none installed"
        raise RuleFileError(
            f"Unknown pathway {text!r}. Built-in pathways: {known}; "
            "or give the path of a YAML rule file."
        )
    return _load_file(path)


def load_pathways(
    names_or_paths: str | Path | Pathway | list[str | Path | Pathway] | None,
) -> list[Pathway]:
    """Load one or several pathways (see :func:`load_pathway`); None gives none."""
    if names_or_paths is None:
        return []
    if isinstance(names_or_paths, (str, Path, Pathway)):
        names_or_paths = [names_or_paths]
    return [load_pathway(item) for item in names_or_paths]


@lru_cache(maxsize=16)
def _load_builtin(name: str) -> Pathway:
    return _load_file(_builtin_folder() / f"{name}.yaml")


def _load_file(path: Path) -> Pathway:
    if not path.is_file():
        raise RuleFileError(f"Rule file {path} does not exist. Check the path.")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise RuleFileError(f"{path}: not UTF-8 text. Save it as UTF-8.") from err
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = err.problem or err.context or "syntax error"
        raise RuleFileError(
            f"{path}{where}: not valid YAML ({problem}). Check the indentation, "
            "colons and brackets there."
        ) from err
    except yaml.YAMLError as err:
        raise RuleFileError(f"{path}: not valid YAML ({err}).") from err
    return _Parser(path).pathway(node)


# --- the checking parser, node by node --------------------------------------


class _Parser:
    """Turns composed YAML nodes into a :class:`Pathway`, checking every key."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.vocabulary = vocabulary()

    def fail(self, node: yaml.Node | None, message: str) -> RuleFileError:
        line = f", line {node.start_mark.line + 1}" if node is not None else ""
        return RuleFileError(f"{self.path}{line}: {message}")

    def mapping(self, node: yaml.Node | None, what: str,
                allowed: tuple[str, ...]) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        """Key → (key node, value node) of a mapping, refusing unknown keys."""
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping of keys "
                                  f"({', '.join(allowed)}).")
        result: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key not in allowed:
                raise self.fail(key_node, f"unknown key {key!r} in {what}; "
                                          f"allowed keys: {', '.join(allowed)}.")
            if key in result:
                raise self.fail(key_node, f"key {key!r} appears twice in {what}.")
            result[key] = (key_node, value_node)
        return result

    def string(self, node: yaml.Node, key: str, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
            raise self.fail(node, f"{key!r} in {what} must be a non-empty text.")
        # Every text of a rule file can reach a report or the breaks: ids masked.
        return mask_national_ids(str(node.value).strip())

    def strings(self, node: yaml.Node, key: str, what: str) -> tuple[str, ...]:
        """A text or a list of texts."""
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        if not items:
            raise self.fail(node, f"{key!r} in {what} must be a text or a non-empty "
                                  "list of texts.")
        return tuple(self.string(item, key, what) for item in items)

    def text(self, node: yaml.Node, key: str, what: str) -> Text:
        """A title: one text, or ``{nb: ..., en: ...}``."""
        if isinstance(node, yaml.ScalarNode):
            value = self.string(node, key, what)
            return Text(nb=value, en=value)
        parts = self.mapping(node, f"{key!r} of {what}", _TEXT_KEYS)
        values = {k: self.string(v, k, f"{key!r} of {what}") for k, (_, v) in parts.items()}
        nb = values.get("nb") or values.get("en") or ""
        return Text(nb=nb, en=values.get("en") or nb)

    def pathway(self, node: yaml.Node | None) -> Pathway:
        if node is None:
            raise self.fail(None, "the file is empty. A pathway needs 'pathway:' "
                                  "and a 'rules:' list.")
        keys = self.mapping(node, "the pathway", _PATHWAY_KEYS)
        what = "the pathway"
        name = (self.string(keys["pathway"][1], "pathway", what)
                if "pathway" in keys else mask_national_ids(self.path.stem))
        if "rules" not in keys:
            raise self.fail(node, "the pathway has no 'rules:' list. Add "
                                  "'rules:' with one entry per rule.")
        rules_node = keys["rules"][1]
        if not isinstance(rules_node, yaml.SequenceNode) or not rules_node.value:
            raise self.fail(rules_node, "'rules' must be a non-empty list of rules "
                                        "(each starting with '- id: ...').")
        rules = tuple(self.rule(item, number)
                      for number, item in enumerate(rules_node.value, start=1))
        self.check_unique_ids(rules)
        optional = {k: self.string(keys[k][1], k, what) if k in keys else None
                    for k in ("cohort", "description", "source")}
        title = (self.text(keys["title"][1], "title", what) if "title" in keys
                 else Text(nb=name, en=name))
        model = self.model(keys["model"][1]) if "model" in keys else None
        return Pathway(name=name, title=title, rules=rules, path=str(self.path),
                       model=model, **optional)

    def model(self, node: yaml.Node) -> PathwayModel:
        """``model:``: ``source`` and exactly one operator over activity names."""
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, "'model' must be a mapping with one operator ("
                                  f"{', '.join(MODEL_OPERATORS)}) and an optional "
                                  "'source'.")
        source = None
        operators = []
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key == "source":
                source = self.string(value_node, "source", "the model")
            else:
                operators.append((key_node, value_node))
        if len(operators) != 1:
            raise self.fail(node, "'model' must have exactly one operator ("
                                  f"{', '.join(MODEL_OPERATORS)}) besides 'source'; "
                                  f"got {len(operators)}.")
        key_node, value_node = operators[0]
        root = self.model_operator(key_node, value_node)
        return PathwayModel(root=root, source=source, line=node.start_mark.line + 1)

    def model_node(self, node: yaml.Node) -> ModelNode:
        """A step: an activity name, or a mapping of one operator to its steps."""
        if isinstance(node, yaml.ScalarNode):
            name = self.string(node, "activity", "the model")
            return ModelNode(operator=None, activity=name,
                             activity_key=resolve_activity(name, self.vocabulary))
        if not isinstance(node, yaml.MappingNode) or len(node.value) != 1:
            raise self.fail(node, "a step of the model must be an activity name or "
                                  "one operator with its steps, such as "
                                  "'optional: Legemiddelsamstemming'.")
        return self.model_operator(*node.value[0])

    def model_operator(self, key_node: yaml.Node, value_node: yaml.Node) -> ModelNode:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key not in MODEL_OPERATORS:
            near = difflib.get_close_matches(str(key).lower(), MODEL_OPERATORS, n=1,
                                             cutoff=0.6)
            hint = f" Did you mean {near[0]!r}?" if near else ""
            raise self.fail(key_node, f"unknown operator {key!r} in the model; "
                                      f"allowed: {', '.join(MODEL_OPERATORS)}.{hint}")
        empty = isinstance(value_node, yaml.ScalarNode) and not str(value_node.value).strip()
        if isinstance(value_node, yaml.SequenceNode) or empty:
            if empty or not value_node.value:
                raise self.fail(value_node, f"{key!r} in the model is empty; give it a "
                                            "list of at least one step.")
            children = tuple(self.model_node(item) for item in value_node.value)
        elif key in ("optional", "loop"):
            children = (self.model_node(value_node),)
        else:
            raise self.fail(value_node, f"{key!r} in the model must be a list of steps "
                                        "(each an activity or an operator).")
        if key in ("optional", "loop") and len(children) > 1:
            children = (ModelNode(operator="sequence", children=children),)
        return ModelNode(operator=key, children=children)

    def check_unique_ids(self, rules: tuple[Rule, ...]) -> None:
        seen: set[str] = set()
        for rule in rules:
            if rule.id in seen:
                raise RuleFileError(f"{self.path}, line {rule.line}: rule id "
                                    f"{rule.id!r} is used twice. Give each rule "
                                    "its own id.")
            seen.add(rule.id)

    def rule(self, node: yaml.Node, number: int) -> Rule:
        what = _rule_name(node, number)
        keys = self.mapping(node, what, _RULE_KEYS)
        if "id" not in keys:
            raise self.fail(node, f"{what} has no 'id'. Add 'id: <short-name>'.")
        rule_id = self.string(keys["id"][1], "id", what)
        for required in ("kind", "after", "within"):
            if required not in keys:
                raise self.fail(node, f"{what} has no {required!r}. "
                                      + _REQUIRED_HELP[required])
        if ("expect" in keys) == ("forbid" in keys):
            raise self.fail(node, f"{what} needs exactly one of 'expect' "
                                  "(what should follow) and 'forbid' (what should not).")
        kind = self.string(keys["kind"][1], "kind", what)
        if kind not in KINDS:
            raise self.fail(keys["kind"][1], f"'kind' of {what} must be one of "
                                             f"{', '.join(KINDS)}; got {kind!r}.")
        within = self.string(keys["within"][1], "within", what)
        if _WITHIN.match(within) is None:
            raise self.fail(keys["within"][1],
                            f"'within' of {what} must be {_WITHIN_HELP}; got {within!r}.")
        try:
            within_us = parse_within(within)
        except ValueError:
            raise self.fail(keys["within"][1],
                            f"'within' of {what} is {within.strip()}, longer than 20 "
                            f"years ({MAX_WINDOW_DAYS} days): give a shorter window, "
                            "such as 28d or 52w.") from None
        matchers = {k: self.matcher(keys[k][1], k, what)
                    for k in ("after", "expect", "forbid", "unless") if k in keys}
        texts = {k: self.string(keys[k][1], k, what) if k in keys else None
                 for k in ("responsible", "description", "source")}
        title = self.text(keys["title"][1], "title", what) if "title" in keys else None
        within_us = parse_within(within)
        if within_us > _MAX_WINDOW_US:
            raise self.fail(keys["within"][1], f"'within' of {what} is {within}, "
                                               "longer than 20 years (7305 days). Give "
                                               "a shorter window, such as 28d or 52w.")
        return Rule(id=rule_id, kind=kind, within=within, within_us=within_us,
                    title=title, line=node.start_mark.line + 1, **matchers, **texts,
                    **self.start(keys, what),
                    calendar=self.calendar(keys, within, what))

    def start(self, keys: dict[str, tuple[yaml.Node, yaml.Node]],
              what: str) -> dict[str, object]:
        """``from``: where a rule's candidates begin (Rule's start fields)."""
        if "from" not in keys:
            return {}
        node = keys["from"][1]
        text = self.string(node, "from", what)
        if text.lower() == "admission":
            return {"start": "admission", "from_admission": True}
        match = _FROM.match(text)
        if match is None:
            raise self.fail(node, f"'from' of {what} must be {_FROM_HELP}; got {text!r}.")
        try:
            start_us = parse_within(match.group(1))
        except ValueError:  # longer than parse_within takes: over 20 years
            start_us = _MAX_WINDOW_US + 1
        if start_us > _MAX_WINDOW_US:
            raise self.fail(node, f"'from' of {what} is {text}, more than 20 years "
                                  "(7305 days) before the trigger. Give a shorter time.")
        return {"start": text, "start_us": start_us}

    def calendar(self, keys: dict[str, tuple[yaml.Node, yaml.Node]], within: str,
                 what: str) -> bool:
        """``calendar: true``: whole local days; only for a ``within`` in d or w."""
        if "calendar" not in keys:
            return False
        node = keys["calendar"][1]
        value = str(node.value).strip().lower() if isinstance(node, yaml.ScalarNode) else ""
        if value not in ("true", "false", "yes", "no"):
            raise self.fail(node, f"'calendar' of {what} must be true or false; "
                                  f"got {value or 'a list or mapping'!r}.")
        if value in ("true", "yes") and within.strip()[-1] not in "dw":
            raise self.fail(node, f"'calendar: true' of {what} counts whole days, so "
                                  f"'within' must be in days or weeks (such as 1d or "
                                  f"2w); got {within!r}.")
        return value in ("true", "yes")

    def matcher(self, node: yaml.Node, key: str, what: str) -> Matcher:
        where = f"'{key}' of {what}"
        keys, others = self.matcher_keys(node, where)
        if not keys and not others:
            raise self.fail(node, f"{where} is empty; give 'activity' and/or 'level' "
                                  "(or another column of the log, such as urgency).")
        activities = (self.strings(keys["activity"][1], "activity", where)
                      if "activity" in keys else ())
        levels: list[str] = []
        if "level" in keys:
            level_node = keys["level"][1]
            for word in self.strings(level_node, "level", where):
                level = resolve_level(word)
                if level is None:
                    known = ", ".join(lv.id for lv in taxonomy())
                    raise self.fail(level_node, f"unknown level {word!r} in {where}; "
                                                f"allowed: a level id ({known}), "
                                                "a label or an alias.")
                levels.append(level)
        keys_resolved = tuple(resolve_activity(a, self.vocabulary) for a in activities)
        columns = tuple((name, self.strings(value, name, where))
                        for name, value in others.items())
        return Matcher(activities=activities, activity_keys=keys_resolved,
                       levels=tuple(dict.fromkeys(levels)), columns=columns)

    def matcher_keys(self, node: yaml.Node, where: str
                     ) -> tuple[dict[str, tuple[yaml.Node, yaml.Node]],
                                dict[str, yaml.Node]]:
        """A matcher's ``activity``/``level`` keys, and the other columns it names.

        Any column of the canonical log may be named (DESIGN §4); whether the
        log has it is checked when the rule meets a log. Keys that cannot be a
        column, columns that cannot be matched and near-misses of ``activity``
        and ``level`` (``activty``) are refused here.
        """
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{where} must be a mapping of keys (activity, level, "
                                  "or another column of the log).")
        plain = yaml.MappingNode(node.tag, [(k, v) for k, v in node.value
                                            if getattr(k, "value", None) in _MATCHER_KEYS],
                                 start_mark=node.start_mark)
        keys = self.mapping(plain, where, _MATCHER_KEYS)
        others: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            name = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if name in _MATCHER_KEYS:
                continue
            allowed = "allowed keys: activity, level, or another column of the log"
            if not isinstance(name, str) or not _COLUMN_KEY.match(name):
                raise self.fail(key_node, f"key {name!r} in {where} is not a column "
                                          f"name; {allowed}.")
            near = difflib.get_close_matches(name.lower(), _MATCHER_KEYS, n=1, cutoff=0.75)
            if near:
                raise self.fail(key_node, f"unknown key {name!r} in {where}; did you "
                                          f"mean {near[0]!r}? {allowed[0].upper()}"
                                          f"{allowed[1:]}.")
            if name.lower() in _NOT_MATCHABLE:
                raise self.fail(key_node, f"{where} cannot match on {name!r}: "
                                          f"{_NOT_MATCHABLE[name.lower()]}.")
            if name in others:
                raise self.fail(key_node, f"key {name!r} appears twice in {where}.")
            others[name] = value_node
        return keys, others


def _rule_name(node: yaml.Node, number: int) -> str:
    """``rule 'id'`` when the rule has a text id, else ``rule <number>``, for messages."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if (isinstance(key, yaml.ScalarNode) and key.value == "id"
                    and isinstance(value, yaml.ScalarNode) and str(value.value).strip()):
                return f"rule {str(value.value).strip()!r}"
    return f"rule {number}"


_REQUIRED_HELP = {
    "kind": f"Add 'kind:' with one of {', '.join(KINDS)}.",
    "after": "Add 'after:' with the trigger, e.g. {activity: Utskrivning}.",
    "within": f"Add 'within:' with {_WITHIN_HELP}.",
}
