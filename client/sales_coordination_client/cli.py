"""The ``sales-coordination`` command.

Exit codes: 0 ok, 1 business error (Odoo UserError, ValidationError,
AccessError or MissingError), 2 usage error, 3 connection or authentication
error.
"""

import argparse
import os
import sys

from . import output
from .api import REQUEST_STATES, REQUEST_TYPES, Client, parse_date
from .connection import ClientError, UsageError

EPILOG = (
    "Connection: --url/SC_URL, --db/SC_DB, --login/SC_LOGIN and "
    "--password/SC_PASSWORD or --api-key/SC_API_KEY (an Odoo 18 API key from "
    "Preferences > Account Security). Exit codes: 0 ok, 1 business error, "
    "2 usage error, 3 connection or authentication error."
)


class Parser(argparse.ArgumentParser):
    """argparse with our usage-error exit code (2, as argparse's own)."""

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def csv_list(value):
    return [item.strip() for item in value.split(",") if item.strip()]


def id_list(value):
    ids = []
    for item in csv_list(value):
        if not item.isdigit() or int(item) < 1:
            raise argparse.ArgumentTypeError(f"{item!r} is not a record id")
        ids.append(int(item))
    return ids


def date_arg(value):
    try:
        return parse_date(value, "date")
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def connection_parent():
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("connection")
    suppress = argparse.SUPPRESS
    group.add_argument("--url", default=suppress, help="server URL (SC_URL)")
    group.add_argument("--db", default=suppress, help="database (SC_DB)")
    group.add_argument("--login", default=suppress, help="user login (SC_LOGIN)")
    group.add_argument("--password", default=suppress, help="password (SC_PASSWORD)")
    group.add_argument("--api-key", default=suppress, help="Odoo API key (SC_API_KEY)")
    group.add_argument(
        "--timeout", type=float, default=suppress, help="seconds per call (120)"
    )
    return parent


def format_parent():
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--format",
        choices=["table", "json", "csv"],
        default=None,
        help="output format (default: table on a terminal, JSON otherwise)",
    )
    return parent


def build_parser():
    conn = connection_parent()
    fmt = format_parent()
    parser = Parser(
        prog="sales-coordination",
        description="Drive the sales_coordination Odoo 18 addon over RPC.",
        epilog=EPILOG,
        parents=[conn],
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True

    kpis = sub.add_parser(
        "kpis",
        parents=[conn, fmt],
        help="coordination and administration KPIs for a period",
        description="Fetch sales.coordination.kpi.get_kpis for a period "
        "(both ends inclusive).",
        epilog=EPILOG,
    )
    kpis.add_argument(
        "--from", dest="date_from", required=True, type=date_arg, metavar="YYYY-MM-DD"
    )
    kpis.add_argument(
        "--to", dest="date_to", required=True, type=date_arg, metavar="YYYY-MM-DD"
    )
    kpis.add_argument(
        "--team",
        action="append",
        default=[],
        help="sales team id or name (repeatable)",
    )
    kpis.add_argument(
        "--user", action="append", default=[], help="user id or login (repeatable)"
    )
    kpis.add_argument(
        "--series",
        choices=["day", "week", "month", "quarter"],
        help="one column per day, week, month or quarter of the period "
        "(get_kpi_series) instead of one value per KPI",
    )
    kpis.set_defaults(func=cmd_kpis)

    check = sub.add_parser(
        "check-orders",
        parents=[conn, fmt],
        help="run the accuracy checks on orders, in batches",
        description="Run sale.order.action_check_accuracy on the selected orders "
        "in batches, with a progress bar on a terminal, and list the orders that "
        "did not pass.",
        epilog=EPILOG,
    )
    check.add_argument(
        "--state",
        type=csv_list,
        default=["draft", "sent"],
        help="order states to check, comma-separated (default: draft,sent)",
    )
    check.add_argument(
        "--ids", type=id_list, help="check these order ids instead (comma-separated)"
    )
    check.add_argument(
        "--batch-size", type=int, default=100, help="orders per call (default: 100)"
    )
    check.add_argument(
        "--all", action="store_true", help="list every checked order, not only problems"
    )
    check.set_defaults(func=cmd_check_orders)

    followups = sub.add_parser(
        "followups",
        parents=[conn],
        help="run or list the coordination follow-ups",
        description="Run the follow-up rules, or list coordination follow-ups.",
        epilog=EPILOG,
    )
    fsub = followups.add_subparsers(
        dest="action", metavar="ACTION", parser_class=Parser
    )
    fsub.required = True
    run = fsub.add_parser(
        "run",
        parents=[conn, fmt],
        help="run sales.followup.rule.run_followups (managers)",
        description="Run every active follow-up rule now; prints the number of "
        "activities created.",
        epilog=EPILOG,
    )
    run.set_defaults(func=cmd_followups_run)
    flist = fsub.add_parser(
        "list",
        parents=[conn, fmt],
        help="list coordination follow-up activities",
        description="List the open coordination follow-up activities you may read.",
        epilog=EPILOG,
    )
    flist.add_argument("--overdue", action="store_true", help="only overdue ones")
    flist.add_argument(
        "--user", action="append", default=[], help="assignee id or login (repeatable)"
    )
    flist.set_defaults(func=cmd_followups_list)

    requests = sub.add_parser(
        "requests",
        parents=[conn],
        help="create or list sales-support requests",
        description="Create or list sales-support requests.",
        epilog=EPILOG,
    )
    rsub = requests.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    rsub.required = True
    create = rsub.add_parser(
        "create",
        parents=[conn, fmt],
        help="raise a request to the coordinators",
        description="Create a sales.support.request; it is assigned to the "
        "customer's coordinator, else the team's.",
        epilog=EPILOG,
    )
    create.add_argument(
        "--type", dest="request_type", required=True, choices=REQUEST_TYPES
    )
    create.add_argument("--partner", help="customer id or name")
    create.add_argument("--order", help="sale order id or number (e.g. S00042)")
    create.add_argument(
        "--note",
        required=True,
        help="what is needed; the first line becomes the request's title",
    )
    create.add_argument("--deadline", type=date_arg, metavar="YYYY-MM-DD")
    create.set_defaults(func=cmd_requests_create)
    rlist = rsub.add_parser(
        "list",
        parents=[conn, fmt],
        help="list requests",
        description="List the sales-support requests you may read.",
        epilog=EPILOG,
    )
    rlist.add_argument(
        "--state",
        type=csv_list,
        default=[],
        help=f"states, comma-separated ({', '.join(REQUEST_STATES)})",
    )
    rlist.set_defaults(func=cmd_requests_list)
    return parser


# ----------------------------------------------------------------------
# Commands
# ----------------------------------------------------------------------


def cmd_kpis(client, args):
    kpis = client.kpis(
        args.date_from, args.date_to, args.team, args.user, series=args.series
    )
    if args.series:
        output.emit_kpi_series(kpis, args.format)
    else:
        output.emit_kpis(kpis, args.format)


def cmd_check_orders(client, args):
    ids = client.orders_to_check(args.state, args.ids)
    progress = output.ProgressBar("checking orders") if sys.stderr.isatty() else None
    orders = client.check_orders(ids, args.batch_size, progress)
    if progress:
        progress.close()
    summary = {}
    for order in orders:
        summary[order["accuracy_state"]] = summary.get(order["accuracy_state"], 0) + 1
    shown = (
        orders
        if args.all
        else [o for o in orders if o["accuracy_state"] not in ("passed", "overridden")]
    )
    print(
        f"checked {len(orders)} order(s): "
        + (", ".join(f"{n} {state}" for state, n in sorted(summary.items())) or "none"),
        file=sys.stderr,
    )
    for order in shown:
        order["open_issues"] = ",".join(order["open_issues"])
    output.emit(
        shown,
        args.format,
        columns=["id", "name", "partner_id", "state", "accuracy_state", "open_issues"],
    )


def cmd_followups_run(client, args):
    created = client.run_followups()
    if output.wants_table(args.format):
        print(f"{created} follow-up activit{'y' if created == 1 else 'ies'} created")
    else:
        output.emit({"created": created}, args.format, columns=["created"])


def cmd_followups_list(client, args):
    rows = client.list_followups(args.overdue, args.user)
    output.emit(
        rows,
        args.format,
        columns=[
            "id",
            "date_deadline",
            "state",
            "activity_type_id",
            "res_model",
            "res_id",
            "res_name",
            "user_id",
            "summary",
        ],
    )


def cmd_requests_create(client, args):
    request = client.create_request(
        args.request_type, args.note, args.partner, args.order, args.deadline
    )
    output.emit(request, args.format, columns=["id", *request_columns()])


def cmd_requests_list(client, args):
    rows = client.list_requests(args.state)
    output.emit(rows, args.format, columns=["id", *request_columns()])


def request_columns():
    return [
        "name",
        "request_type",
        "state",
        "partner_id",
        "order_id",
        "requested_by_id",
        "assigned_to_id",
        "deadline",
    ]


# ----------------------------------------------------------------------
# Entry point
# ----------------------------------------------------------------------


def connection_settings(args):
    env = os.environ
    return {
        "url": getattr(args, "url", None) or env.get("SC_URL"),
        "db": getattr(args, "db", None) or env.get("SC_DB"),
        "login": getattr(args, "login", None) or env.get("SC_LOGIN"),
        "password": getattr(args, "password", None) or env.get("SC_PASSWORD"),
        "api_key": getattr(args, "api_key", None) or env.get("SC_API_KEY"),
        "timeout": getattr(args, "timeout", None) or 120,
    }


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        client = Client.connect(**connection_settings(args))
        args.func(client, args)
    except ClientError as exc:
        print(f"sales-coordination: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("sales-coordination: interrupted", file=sys.stderr)
        return 130
    return 0
