#!/usr/bin/env python3
"""Cross-check of `mamoru hunt` against Chainsaw (and, with --hayabusa, Hayabusa) on the same
EVTX files and Sigma rules, as issue 5 asks: every difference in detections is listed and put
in a class that says why it exists, with the evidence (the peer's lint message, its mapping,
the event's own fields).

    scripts/crosscheck-detect.py [--evtx DIR] [--rules DIR] [--out DIR] [--hayabusa]

Detections are compared per (rule id, EVTX file, record id). Mamoru's side comes from
`mamoru hunt --format jsonl` (keys rule_id, file, record_id); Chainsaw's from `--jsonl`
(id, document.path, document.data.Event.System.EventRecordID); Hayabusa's from its verbose
JSONL profile (RuleID, EvtxFile, RecordID), its converted rule ids taken back to the SigmaHQ
id they were derived from. The peers' binaries come from the same environment variables as
scripts/bench-detect.sh; no peer code is used here.

Classes of differences (the first that applies):
  chainsaw-cannot-load    `chainsaw lint` refuses the rule (windash, cidr, fieldref, keywords...)
  chainsaw-excluded       the mapping file's `exclusions` drop the rule by title
  chainsaw-precondition   the mapping's logsource precondition (Provider, EventID) excludes the
                          event, while Sigma's logsource (and Mamoru) go by channel
  chainsaw-bad-record     Chainsaw gave up on the file at a damaged record; Mamoru skips only
                          that record
  chainsaw-field          the rule names a field Chainsaw cannot read on this event: absent from
                          its mapping, or mapped to an EventData path the event lacks (Mamoru
                          reads it through its logsource renames, e.g. Image -> NewProcessName).
                          Chainsaw also fails `not filter` when the filter's field is unreadable
  chainsaw-escape         a value uses Sigma's escapes (\\ \* \?) or a wildcard inside a
                          contains/startswith/endswith value, which Chainsaw takes literally
  chainsaw-types          the rule gives a number or 'true' where the event holds text or a
                          boolean; Sigma compares them as text, Chainsaw by type
  chainsaw-padding        the event's value has Windows' trailing padding ("NtLmSsp "), which
                          Mamoru trims for LogonProcessName and Chainsaw keeps
  hayabusa-no-channel     no converted variant names a channel: Hayabusa's channel filter
                          leaves the rule out (keyword rules) unless run with -A
  hayabusa-windash        a windash value written with `/`: Hayabusa turns dashes into `/`,
                          never `/` into the other dashes
  hayabusa-escape         a backslash escape next to a wildcard (\\\\* \\? \\*), which Hayabusa misreads
  hayabusa-trims          the event's value starts or ends with a space; Hayabusa trims every
                          value before matching, Mamoru only LogonProcessName's padding
  unexplained             none of the above: see crates/mamoru-detect/tests/it/crosscheck.rs,
                          which pins every class found so far, or look at it by hand
"""

import argparse
import collections
import json
import os
import pathlib
import re
import subprocess
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
ENV = {
    "MAMORU": str(ROOT / "target/release/mamoru"),
    "CHAINSAW": "/work/peers/target-chainsaw/release/chainsaw",
    "CHAINSAW_MAPPING": "/work/peers/chainsaw/mappings/sigma-event-logs-all.yml",
    "HAYABUSA": "/work/peers/target-hayabusa/release/hayabusa",
    "HAYABUSA_HOME": "/work/peers/hayabusa",
    "HAYABUSA_RULES": "/work/peers/hayabusa-core-rules",
    "HAYABUSA_CONFIG": "/work/peers/hayabusa/rules/config",
    "EVTX_DUMP": "/work/peers/evtx-dump/bin/evtx_dump",
}


def env(name):
    return os.environ.get(name, ENV[name])


def run(cmd, **kw):
    """Runs a peer; its banner and progress go to a log, never to our report."""
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


# --- the rules ------------------------------------------------------------------------------


def load_rules(rules_dir):
    """Sigma rules by id: (path relative to rules_dir, parsed document)."""
    out = {}
    for path in sorted(pathlib.Path(rules_dir).rglob("*.yml")):
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError:
            continue
        if isinstance(doc, dict) and "id" in doc:
            out[doc["id"]] = (str(path.relative_to(rules_dir)), doc)
    return out


def rule_items(doc):
    """(field, modifiers, value) for every value a rule's detection compares."""
    out = []

    def visit(value):
        if isinstance(value, dict):
            for key, inner in value.items():
                field, *modifiers = key.split("|")
                for v in inner if isinstance(inner, list) else [inner]:
                    out.append((field, modifiers, v))
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    visit(item)

    for name, value in (doc.get("detection") or {}).items():
        if name not in ("condition", "timeframe"):
            visit(value)
    return out


def rule_fields(doc):
    """The field names a rule's detection uses (modifiers stripped)."""
    return {field for field, _, _ in rule_items(doc)}


def escaped_values(doc):
    """Values Chainsaw reads differently from Sigma: escapes, or wildcards inside a value
    that already has a contains/startswith/endswith modifier."""
    out = []
    for field, modifiers, value in rule_items(doc):
        if not isinstance(value, str) or "re" in modifiers:
            continue
        inner = value.strip("*")
        if re.search(r"\\\\|\\\*|\\\?", value) or (
            {"contains", "startswith", "endswith"} & set(modifiers) and ("*" in inner or "?" in inner)
        ):
            out.append(f"{field}: {value!r}")
    return out


# --- the events -----------------------------------------------------------------------------


class Events:
    """Records of EVTX files as evtx_dump prints them, read once per file, by record id."""

    def __init__(self, evtx_dump):
        self.evtx_dump = evtx_dump
        self.files = {}

    def get(self, file, record_id):
        if file not in self.files:
            out = run([self.evtx_dump, "-o", "jsonl", "-t", "1", file])
            records = {}
            for line in out.stdout.splitlines():
                try:
                    event = json.loads(line)["Event"]
                    # Some exported files hold every value as text, the record id too.
                    records[int(event["System"]["EventRecordID"])] = event
                except (ValueError, KeyError, TypeError):
                    continue
            self.files[file] = records
        return self.files[file].get(record_id)


def provider(event):
    p = event.get("System", {}).get("Provider", {})
    return (p.get("#attributes") or {}).get("Name", "") if isinstance(p, dict) else ""


def event_id(event):
    e = event.get("System", {}).get("EventID")
    if isinstance(e, dict):
        e = e.get("#text")
    try:
        return int(e)
    except (TypeError, ValueError):
        return None


def lookup(event, path):
    """Chainsaw's view of a dotted path into the evtx_dump record (Event. stripped)."""
    node = event
    for part in path.split("."):
        if part == "Provider" and isinstance(node, dict) and "Provider" in node:
            return provider(event)
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


# --- Chainsaw -------------------------------------------------------------------------------


class Chainsaw:
    def __init__(self, rules_dir):
        self.bin = env("CHAINSAW")
        mapping = yaml.safe_load(open(env("CHAINSAW_MAPPING"), encoding="utf-8"))
        self.exclusions = set(mapping.get("exclusions") or [])
        self.preconditions = (mapping.get("extensions") or {}).get("preconditions") or []
        self.fields = {f["from"]: f["to"] for g in mapping["groups"] for f in g["fields"]}
        lint = run([self.bin, "lint", "--kind", "sigma", rules_dir])
        self.refused = {}
        self.damaged = set()
        for line in re.sub(r"\x1b\[[0-9;]*m", "", lint.stdout + lint.stderr).splitlines():
            m = re.match(r"\[!\] (/?\S.*?\.yml): (.*)", line)
            if m:
                self.refused[m.group(1).lstrip("/")] = m.group(2)

    def hunt(self, evtx, rules_dir, out):
        out.unlink(missing_ok=True)
        done = run([self.bin, "hunt", evtx, "-s", rules_dir, "--mapping", env("CHAINSAW_MAPPING"), "--jsonl", "-o", str(out), "--skip-errors"])
        # "[!] failed to parse document '/path' - ..." for every file it gave up on.
        self.damaged = set(re.findall(r"failed to parse document '([^']+)'", done.stdout + done.stderr))
        hits = set()
        for line in out.read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            hits.add((d["id"], d["document"]["path"], d["document"]["data"]["Event"]["System"]["EventRecordID"]))
        return hits

    def precondition(self, doc):
        """The filter Chainsaw puts before a rule (the last precondition that fits wins, as in
        Chainsaw's loader), or None."""
        found = None
        for p in self.preconditions:
            fit = all(
                str((doc.get("logsource") or {}).get(k.split(".", 1)[1]) if k.startswith("logsource.") else doc.get(k)) == str(v)
                for k, v in p["for"].items()
            )
            if fit:
                found = p["filter"]
        return found

    def passes(self, flt, event):
        for alternative in flt if isinstance(flt, list) else [flt]:
            ok = True
            for key, want in alternative.items():
                if key == "Provider":
                    ok &= provider(event).lower() == str(want).lower()
                elif key == "int(EventID)":
                    ok &= event_id(event) in (want if isinstance(want, list) else [want])
            if ok:
                return True
        return False

    def unreadable(self, doc, event):
        """Fields of the rule that Chainsaw cannot read on this event."""
        out = []
        for field in sorted(rule_fields(doc)):
            path = self.fields.get(field)
            if path is None:
                out.append(f"{field} (not in the mapping)")
            elif lookup(event, path.split(".", 1)[1] if path.startswith("Event.") else path) is None:
                out.append(f"{field} (-> {path}, absent)")
        return out

    def typed(self, doc, event):
        """Rule values whose type differs from the event's value for the same field."""
        out = []
        for field, modifiers, value in rule_items(doc):
            path = self.fields.get(field)
            have = lookup(event, path.split(".", 1)[1]) if path and path.startswith("Event.") else None
            if have is None or modifiers:
                continue
            if (isinstance(value, int) and isinstance(have, str)) or (isinstance(value, str) and isinstance(have, bool)):
                out.append(f"{field}: rule {value!r}, event {have!r}")
        return out

    def padded(self, doc, event):
        """Rule fields whose event value carries trailing padding."""
        out = []
        for field in sorted(rule_fields(doc)):
            path = self.fields.get(field)
            have = lookup(event, path.split(".", 1)[1]) if path and path.startswith("Event.") else None
            if isinstance(have, str) and have != have.rstrip():
                out.append(f"{field}: {have!r}")
        return out

    def explain(self, rule_file, doc, file, event):
        """Every reason that applies, most decisive first: [(class, evidence)]."""
        out = []
        if rule_file in self.refused:
            out.append(("chainsaw-cannot-load", self.refused[rule_file]))
        if doc.get("title") in self.exclusions:
            out.append(("chainsaw-excluded", "title listed in the mapping's exclusions"))
        flt = self.precondition(doc)
        if event is not None and flt is not None and not self.passes(flt, event):
            out.append(("chainsaw-precondition", f"event: Provider {provider(event)}, EventID {event_id(event)}; precondition {json.dumps(flt)}"))
        if file in self.damaged:
            out.append(("chainsaw-bad-record", "chainsaw: failed to parse document"))
        if event is not None:
            fields = self.unreadable(doc, event)
            if fields:
                out.append(("chainsaw-field", ", ".join(fields)))
        escaped = escaped_values(doc)
        if escaped:
            out.append(("chainsaw-escape", "; ".join(escaped)))
        if event is not None:
            typed = self.typed(doc, event)
            if typed:
                out.append(("chainsaw-types", "; ".join(typed)))
            padded = self.padded(doc, event)
            if padded:
                out.append(("chainsaw-padding", "; ".join(padded)))
        return out or [("unexplained", "")]


# --- Hayabusa -------------------------------------------------------------------------------


class Hayabusa:
    def __init__(self):
        self.bin = env("HAYABUSA")
        rules = env("HAYABUSA_RULES")
        config = pathlib.Path(env("HAYABUSA_CONFIG"))
        off = set()
        for name in ("exclude_rules.txt", "noisy_rules.txt"):
            p = config / name
            if p.exists():
                off |= {line.split("#")[0].strip() for line in p.read_text().splitlines()} - {""}
        # Converted id -> the SigmaHQ id it was derived from; the SigmaHQ ids loaded, and
        # those with a variant that names a channel.
        self.original = {}
        self.loaded = set()
        self.with_channel = set()
        for rid, (_, doc) in load_rules(rules).items():
            derived = [r["id"] for r in doc.get("related") or [] if r.get("type") == "derived"]
            # The converter appends its own "derived" entry after the rule's own related ids.
            self.original[rid] = derived[-1] if derived else rid
            if rid not in off and doc.get("status") not in ("deprecated", "unsupported"):
                self.loaded.add(self.original[rid])
            if "Channel" in rule_fields(doc):
                self.with_channel.add(self.original[rid])

    def explain(self, rid, doc, event):
        out = []
        if rid not in self.with_channel:
            out.append(("hayabusa-no-channel", "no converted variant names a Channel"))
        slashes = [f"{f}: {v!r}" for f, m, v in rule_items(doc) if "windash" in m and isinstance(v, str) and "/" in v]
        if slashes:
            out.append(("hayabusa-windash", "; ".join(slashes)))
        escaped = [f"{f}: {v!r}" for f, _, v in rule_items(doc) if isinstance(v, str) and re.search(r"\\[*?]", v)]
        if escaped:
            out.append(("hayabusa-escape", "; ".join(escaped)))
        if event is not None:
            spaced = []
            for field in sorted(rule_fields(doc)):
                have = lookup(event, f"EventData.{field}")
                if isinstance(have, str) and have != have.strip():
                    spaced.append(f"{field}: {have!r}")
            if spaced:
                out.append(("hayabusa-trims", "; ".join(spaced)))
        return out or [("unexplained", "")]

    def hunt(self, evtx, out):
        out.unlink(missing_ok=True)
        cmd = [self.bin, "dfir-timeline", "-d", os.path.abspath(evtx), "-w", "-C", "-Q", "-p", "verbose", "-t", "jsonl",
               "-r", env("HAYABUSA_RULES"), "-c", env("HAYABUSA_CONFIG"), "-o", str(out)]
        run(cmd, cwd=env("HAYABUSA_HOME"))
        hits = set()
        for line in out.read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            hits.add((self.original.get(d["RuleID"], d["RuleID"]), d["EvtxFile"], d["RecordID"]))
        return hits


# --- the comparison -------------------------------------------------------------------------


def mamoru_hunt(evtx, rules_dir, out):
    run([env("MAMORU"), "hunt", evtx, "--rules", rules_dir, "--format", "jsonl", "-o", str(out), "-q"])
    hits = {}
    for line in out.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        hits[(d["rule_id"], d["file"], d["record_id"])] = d
    return hits


def report(peer, mamoru, theirs, rules, explain, out_dir):
    """Prints the differences by class and rule; writes every one to PEER-differences.tsv."""
    rows = []
    for key in sorted(set(mamoru) - theirs, key=str):
        rows.append(("mamoru only", key))
    for key in sorted(theirs - set(mamoru), key=str):
        rows.append((f"{peer} only", key))
    classes = collections.defaultdict(lambda: collections.defaultdict(list))
    with open(out_dir / f"{peer}-differences.tsv", "w", encoding="utf-8") as tsv:
        tsv.write("side\tclass\trule_id\trule_file\ttitle\tfile\trecord_id\tchannel\tevent_id\tevidence\n")
        for side, (rid, file, record) in rows:
            rule_file, doc = rules.get(rid, ("?", {"title": "?"}))
            reasons = explain(rid, rule_file, doc, file, record)
            cls = reasons[0][0]
            why = " | ".join(f"{c}: {e}" if len(reasons) > 1 else e for c, e in reasons)
            d = mamoru.get((rid, file, record), {})
            tsv.write(f"{side}\t{cls}\t{rid}\t{rule_file}\t{doc.get('title')}\t{file}\t{record}\t{d.get('channel', '')}\t{d.get('event_id', '')}\t{why}\n")
            classes[(side, cls)][(rule_file, doc.get("title"))].append((file, record, why))
    common = len(set(mamoru) & theirs)
    print(f"\n== {peer}: {common} detections in common, {len(set(mamoru) - theirs)} Mamoru only, {len(theirs - set(mamoru))} {peer} only")
    for (side, cls), by_rule in sorted(classes.items()):
        print(f"\n-- {side}, {cls}: {sum(len(v) for v in by_rule.values())} detections, {len(by_rule)} rules")
        for (rule_file, title), hits in sorted(by_rule.items(), key=lambda kv: -len(kv[1])):
            file, record, why = hits[0]
            print(f"  {len(hits):4}  {rule_file}  ({title})")
            print(f"        e.g. {os.path.relpath(file, ROOT.parent)} record {record}" + (f": {why}" if why else ""))


def main():
    shared = ROOT.parent / "shared/data"
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--evtx", default=str(shared / "evtx"))
    ap.add_argument("--rules", default=str(shared / "sigma/rules/windows"))
    ap.add_argument("--out", default="/tmp/mamoru-crosscheck", help="where the peers' outputs and the TSV lists go")
    ap.add_argument("--hayabusa", action="store_true", help="also compare with Hayabusa on its converted rules")
    args = ap.parse_args()
    out_dir = pathlib.Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in ("MAMORU", "CHAINSAW", "EVTX_DUMP"):
        if not os.access(env(name), os.X_OK):
            sys.exit(f"{name}={env(name)} is missing (see ../shared/bench/PEERS.md)")

    rules = load_rules(args.rules)
    events = Events(env("EVTX_DUMP"))
    mamoru = mamoru_hunt(args.evtx, args.rules, out_dir / "mamoru.jsonl")
    chainsaw = Chainsaw(args.rules)
    print(f"rules: {len(rules)} in {args.rules}; Chainsaw refuses {len(chainsaw.refused)} (chainsaw lint)")
    theirs = chainsaw.hunt(args.evtx, args.rules, out_dir / "chainsaw.jsonl")

    def explain_chainsaw(rid, rule_file, doc, file, record):
        return chainsaw.explain(rule_file, doc, file, events.get(file, record))

    report("chainsaw", mamoru, theirs, rules, explain_chainsaw, out_dir)

    if args.hayabusa:
        if not os.access(env("HAYABUSA"), os.X_OK):
            sys.exit(f"HAYABUSA={env('HAYABUSA')} is missing")
        hayabusa = Hayabusa()
        hits = hayabusa.hunt(args.evtx, out_dir / "hayabusa.jsonl")
        # Only rules both tools load are compared.
        both = {k: v for k, v in mamoru.items() if k[0] in hayabusa.loaded}
        hits = {k for k in hits if k[0] in rules}

        def explain_hayabusa(rid, rule_file, doc, file, record):
            return hayabusa.explain(rid, doc, events.get(file, record))

        report("hayabusa", both, hits, rules, explain_hayabusa, out_dir)


if __name__ == "__main__":
    main()
