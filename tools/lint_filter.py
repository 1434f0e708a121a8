#!/usr/bin/env python3
"""lint_filter.py - the bookkeeping half of tools/lint.sh.

Sub-commands (all paths relative to the repository root, the working dir):

  missing DB FILE...      print the FILEs that DB (compile_commands.json) does
                          not list: they are linted anyway, with a warning
  subdb DB OUT            write to OUT the entries of DB for existing files
                          under engine/ (cppcheck refuses a database naming a
                          file not generated yet, like schema_sql.c after a
                          bare `meson setup`)
  tidy BUILD SUPP RAW     read clang-tidy's raw output RAW, keep one copy of
                          each diagnostic (a header is reported once per
                          translation unit), drop those matched by the
                          suppression file SUPP, print the rest, one a line,
                          as `file:line:col: severity: message [check]`;
                          write the counts to RAW.counts
  cppcheck RAW            normalise and de-duplicate cppcheck's output
  check-supp [--cppcheck] FILE
                          fail unless every entry of a suppression file
                          carries its reason (a comment on the line or on the
                          line(s) just above); --cppcheck also refuses a lone
                          "#", which cppcheck 2.10 reads as an entry

Suppression file of clang-tidy (tools/clang-tidy-suppressions.txt), one entry
a line, `#` starts a comment:

  PATH-GLOB  CHECK-GLOB  [SOURCE-REGEX]   # why

An entry matches a diagnostic when the file matches PATH-GLOB (fnmatch), one
of the check names in brackets matches CHECK-GLOB, and, when SOURCE-REGEX is
given, the source line the diagnostic points at matches it (re.search). The
regex pins an entry to one statement without a line number, so it survives
edits above it and stops matching (and the finding comes back) when that
statement changes. The regex runs to the end of the line (spaces are fine)
and cannot contain `#`: write \\x23.
"""
import fnmatch
import json
import os
import re
import sys

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
DIAG = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+): "
                  r"(?P<sev>warning|error): (?P<msg>.*?)(?: \[(?P<checks>[^\]]+)\])?$")


def rel(path, base):
    if not os.path.isabs(path):
        path = os.path.join(base, path)
    return os.path.relpath(os.path.normpath(path), os.getcwd())


def load_db(db):
    with open(db, encoding="utf-8") as f:
        entries = json.load(f)
    return {rel(e["file"], e["directory"]) for e in entries}


def cmd_missing(db, files):
    known = load_db(db)
    for f in files:
        if os.path.normpath(f) not in known:
            print(f)
    return 0


def cmd_subdb(db, out):
    with open(db, encoding="utf-8") as f:
        entries = json.load(f)
    keep = [e for e in entries
            if rel(e["file"], e["directory"]).startswith("engine/")
            and os.path.exists(os.path.join(e["directory"], e["file"]))]
    with open(out, "w", encoding="utf-8") as f:
        json.dump(keep, f, indent=1)
    return 0


def entries_with_reasons(path):
    """Yield (lineno, text, has_reason) for each entry of a suppression file."""
    comment_above = False
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.strip()
            if not line:
                comment_above = False
                continue
            if line.startswith("#") or line.startswith("//"):
                comment_above = True
                continue
            body, sep, reason = line.partition("#")
            yield n, body.strip(), bool(comment_above or (sep and reason.strip()))


def cmd_check_supp(path, cppcheck=False):
    bad = [(n, "suppression without a reason: " + t)
           for n, t, ok in entries_with_reasons(path) if not ok]
    with open(path, encoding="utf-8") as f:
        if not cppcheck:
            f = []
        for n, line in enumerate(f, 1):
            if line.strip() == "#":  # cppcheck 2.10 reads a lone "#" as an entry
                bad.append((n, "a lone '#': leave the line empty or write '# ...'"))
    for n, msg in sorted(bad):
        print(f"{path}:{n}: {msg}", file=sys.stderr)
    return 1 if bad else 0


def load_tidy_supp(path):
    out = []
    if not path or not os.path.exists(path):
        return out
    for n, body, ok in entries_with_reasons(path):
        if not ok:
            sys.exit(f"{path}:{n}: suppression without a reason (add a # comment)")
        parts = body.split(None, 2)
        if len(parts) < 2:
            sys.exit(f"{path}:{n}: expected PATH-GLOB CHECK-GLOB [SOURCE-REGEX]")
        regex = re.compile(parts[2]) if len(parts) == 3 else None
        out.append({"where": f"{path}:{n}", "path": parts[0], "check": parts[1],
                    "regex": regex, "hits": 0})
    return out


_lines_cache = {}


def source_line(path, lineno):
    if path not in _lines_cache:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                _lines_cache[path] = f.read().split("\n")
        except OSError:
            _lines_cache[path] = []
    lines = _lines_cache[path]
    return lines[lineno - 1] if 0 < lineno <= len(lines) else ""


def cmd_tidy(build, supp_path, raw_path):
    supp = load_tidy_supp(supp_path)
    base = os.path.abspath(build)
    seen, kept, dropped = set(), [], 0
    with open(raw_path, encoding="utf-8", errors="replace") as f:
        for raw in f:
            m = DIAG.match(ANSI.sub("", raw.rstrip("\n")))
            if not m:
                continue
            path = rel(m["file"], base)
            checks = (m["checks"] or "clang-diagnostic-error").split(",")
            key = (path, int(m["line"]), int(m["col"]), m["msg"], tuple(checks))
            if key in seen:
                continue
            seen.add(key)
            if m["sev"] == "warning" and not path.startswith("engine/"):
                continue  # a header outside engine/ slipped through the filter
            hit = None
            for s in supp:
                if not fnmatch.fnmatch(path, s["path"]):
                    continue
                if not any(fnmatch.fnmatch(c, s["check"]) for c in checks):
                    continue
                if s["regex"] and not s["regex"].search(source_line(path, key[1])):
                    continue
                hit = s
                break
            if hit:
                hit["hits"] += 1
                dropped += 1
                continue
            kept.append(key + (m["sev"],))
    kept.sort()
    for path, line, col, msg, checks, sev in kept:
        print(f"{path}:{line}:{col}: {sev}: {msg} [{','.join(checks)}]")
    with open(raw_path + ".counts", "w", encoding="utf-8") as f:
        f.write(f"{len(kept)} {dropped}\n")
        for s in supp:
            if s["hits"] == 0:
                f.write(f"stale {s['where']}: {s['path']} {s['check']}"
                        f"{' ' + s['regex'].pattern if s['regex'] else ''}\n")
    return 0


def cmd_cppcheck(raw_path):
    seen = []
    with open(raw_path, encoding="utf-8", errors="replace") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if re.match(r"^[^\s:][^:]*:\d+:\d+: ", line) or line.startswith("nofile:"):
                if line not in seen:
                    seen.append(line)
    for line in sorted(seen):
        print(line)
    return 0


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, args = argv[1], argv[2:]
    if cmd == "missing" and len(args) >= 1:
        return cmd_missing(args[0], args[1:])
    if cmd == "subdb" and len(args) == 2:
        return cmd_subdb(*args)
    if cmd == "tidy" and len(args) == 3:
        return cmd_tidy(*args)
    if cmd == "cppcheck" and len(args) == 1:
        return cmd_cppcheck(args[0])
    if cmd == "check-supp" and len(args) == 1:
        return cmd_check_supp(args[0])
    if cmd == "check-supp" and len(args) == 2 and args[0] == "--cppcheck":
        return cmd_check_supp(args[1], cppcheck=True)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
