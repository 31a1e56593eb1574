"""Tables for people, JSON and CSV for pipes."""

import csv
import json
import sys


def resolve_format(fmt):
    """The explicit format, else a table on a terminal and JSON in a pipe."""
    if fmt:
        return fmt
    return "table" if sys.stdout.isatty() else "json"


def wants_table(fmt):
    return resolve_format(fmt) == "table"


def cell(value):
    """A many2one ``[id, name]`` shows as its name; False as empty."""
    if isinstance(value, list) and len(value) == 2 and isinstance(value[0], int):
        return value[1]
    if value is False or value is None:
        return ""
    return value


def jsonable(value):
    if isinstance(value, list) and len(value) == 2 and isinstance(value[0], int):
        return {"id": value[0], "name": value[1]}
    return value


def emit(data, fmt, columns=None, stream=None):
    """Print ``data`` (a dict or a list of dicts) in ``fmt``."""
    stream = stream or sys.stdout
    fmt = resolve_format(fmt)
    rows = data if isinstance(data, list) else [data]
    columns = columns or (list(rows[0]) if rows else [])
    if fmt == "json":
        if isinstance(data, list):
            payload = [{k: jsonable(row.get(k)) for k in columns} for row in rows]
        else:
            payload = {k: jsonable(v) for k, v in data.items()}
        json.dump(payload, stream, indent=2, default=str)
        stream.write("\n")
    elif fmt == "csv":
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([cell(row.get(k)) for k in columns])
    else:
        table(rows, columns, stream)


def emit_kpis(kpis, fmt, stream=None):
    """Print a ``get_kpis`` dict: a KPI that cannot be computed (``False``
    from the server) is ``null`` in JSON and an empty cell in a table or CSV.
    """
    values = {key: None if value is False else value for key, value in kpis.items()}
    if resolve_format(fmt) == "json":
        emit(values, "json", stream=stream)
        return
    rows = [{"kpi": key, "value": value} for key, value in values.items()]
    emit(rows, fmt, columns=["kpi", "value"], stream=stream)


def emit_kpi_series(series, fmt, stream=None):
    """Print a ``get_kpi_series`` result: JSON as it is (``False`` as
    ``null``), else one row per KPI and one column per bucket (its first
    day)."""
    values = {
        key: [None if value is False else value for value in bucket_values]
        for key, bucket_values in series["values"].items()
    }
    if resolve_format(fmt) == "json":
        emit({"buckets": series["buckets"], "values": values}, "json", stream=stream)
        return
    columns = ["kpi"] + [bucket["date_from"] for bucket in series["buckets"]]
    rows = [
        {"kpi": key, **dict(zip(columns[1:], bucket_values, strict=True))}
        for key, bucket_values in values.items()
    ]
    emit(rows, fmt, columns=columns, stream=stream)


def table(rows, columns, stream):
    texts = [[str(cell(row.get(k))) for k in columns] for row in rows]
    widths = [
        max([len(col), *(len(r[i]) for r in texts)]) for i, col in enumerate(columns)
    ]
    line = "  ".join(col.ljust(w) for col, w in zip(columns, widths, strict=True))
    stream.write(line.rstrip() + "\n")
    stream.write("  ".join("-" * w for w in widths) + "\n")
    for r in texts:
        stream.write(
            "  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip()
            + "\n"
        )
    if not rows:
        stream.write("(nothing)\n")


class ProgressBar:
    """A one-line progress bar on stderr (only used on a terminal)."""

    def __init__(self, label, width=30):
        self.label = label
        self.width = width

    def __call__(self, done, total):
        filled = int(self.width * done / total) if total else self.width
        bar = "#" * filled + "-" * (self.width - filled)
        sys.stderr.write(f"\r{self.label} [{bar}] {done}/{total}")
        sys.stderr.flush()

    def close(self):
        sys.stderr.write("\n")
