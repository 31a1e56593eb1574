"""The demo story: six months in the life of a pet-food and pet-supplies wholesaler.

Only the demo data calls it (``demo/sales_coordination_story_demo.xml``, through
``res.company._sc_load_demo_story``, which imports this module on demand): it
is plain Python, not a model, so a database without demo data has no trace of
it.
The master data (company, users, teams, products, pricelists, customers, leads
and meetings) is plain demo XML; this module plays the business that happened on
top of it, with dates relative to the day of installation: quotations sent,
won and lost, orders confirmed, deliveries on time, late or partial, invoices
posted, paid or overdue.

It is idempotent: every story order carries an XML id, and each step only acts
on records that have not reached the state the story gives them yet.

To add a chapter (for example meeting outcomes or support requests), write one
``_demo_<chapter>()`` method and call it at the end of ``load``.
"""

import logging
from collections import Counter, namedtuple
from datetime import datetime, time, timedelta

from odoo import Command, fields
from odoo.tools import SQL

from .story_delivery import DeliveryChapter

_logger = logging.getLogger(__name__)

MODULE = "sales_coordination"

# What each kind of customer usually orders: (product key, quantity). The
# quantities are whole case packs or pallets; an order multiplies them by its
# scale. The last line is the one a partial delivery leaves behind.
BASKETS = {
    "shop_dog": [
        ("dog_adult_2kg", 24),
        ("dog_adult_7kg", 10),
        ("puppy_lamb_2kg", 12),
        ("dog_chunks_beef", 48),
        ("dental_chews", 48),
    ],
    "shop_cat": [
        ("cat_salmon_2kg", 24),
        ("cat_sterilised_2kg", 12),
        ("cat_pate_chicken", 96),
        ("cat_pate_salmon", 96),
        ("catnip_crunchies", 48),
        ("litter_clumping", 20),
    ],
    "treats": [
        ("training_treats", 48),
        ("catnip_crunchies", 48),
        ("dental_chews", 96),
    ],
    "aquarium": [
        ("fish_flakes", 48),
        ("water_conditioner", 24),
        ("filter_cartridge", 24),
        ("aquarium_heater", 12),
    ],
    "terrarium": [
        ("heat_mat", 12),
        ("calcium_powder", 24),
        ("uvb_bulb", 12),
    ],
    "accessories": [
        ("dog_leash", 24),
        ("steel_bowl", 48),
        ("poop_bags", 48),
        ("scratching_post", 4),
    ],
    "vet": [
        ("puppy_lamb_7kg", 10),
        ("senior_gf_15kg", 10),
        ("cat_pate_chicken", 48),
        ("dental_chews", 48),
        ("cat_sterilised_2kg", 24),
    ],
    "groomer": [
        ("training_treats", 24),
        ("poop_bags", 48),
        ("steel_bowl", 24),
    ],
    "chain_pallet": [
        ("dog_adult_15kg", 50),
        ("dog_adult_2kg", 360),
        ("cat_pate_chicken", 2400),
        ("litter_clumping", 80),
        ("cat_salmon_2kg", 360),
    ],
    "chain_mix": [
        ("dog_adult_7kg", 60),
        ("puppy_lamb_2kg", 120),
        ("cat_sterilised_2kg", 120),
        ("cat_pate_salmon", 480),
        ("dental_chews", 192),
        ("litter_crystal", 96),
    ],
    "aqua_chain": [
        ("fish_flakes", 96),
        ("water_conditioner", 48),
        ("calcium_powder", 48),
        ("filter_cartridge", 48),
        ("aquarium_heater", 24),
    ],
    # 5 bags ordered when the case holds 12: for the accuracy checks.
    "odd_quantities": [
        ("dog_adult_2kg", 5),
        ("cat_pate_chicken", 96),
    ],
}

# The sales team of each customer.
CUSTOMER_TEAMS = {
    "crm_team_pet_shops_demo": (
        "happy_tails",
        "paws_claws",
        "aquarium_corner",
        "reptile_republic",
        "furry_friends",
        "bark_avenue",
        "coastal_critters",
        "pet_pantry",
    ),
    "crm_team_vet_groomers_demo": (
        "bayview_vet",
        "golden_gate_vet",
        "marin_vet",
        "snip_sparkle",
        "fluffy_cuts",
    ),
    "crm_team_chains_demo": ("petnest", "aqua_planet"),
}

# Products the warehouse is short of: it holds what the story ships and not
# one unit more, so backorders wait and new quotations cannot all be served.
SHORT_PRODUCTS = ("uvb_bulb", "litter_crystal", "heat_mat", "aquarium_heater")

# The story, one order a line (keys: sNNN the story's orders, rNNN the
# regulars' repeat orders once the company enforces, qNN the quotations still
# waiting): key, customer, delivery branch ("-": the
# customer itself), created N days ago, basket, scale, customer reference and
# what happened to it. The reference is the customer's PO number, "-" for a
# customer without POs (the order then carries its initials and date, as typed
# by the sales office), or "none" when it was forgotten. What happened is
# "draft", "sent" or "cancel" for a quotation, and otherwise "<delivery>" or
# "<delivery>+<invoice>":
# - delivery: "pending" (nothing shipped yet), "ontime", "late", "partial"
#   (part shipped on time, the backorder still open), "partial_late" (the
#   backorder shipped late) or "short" (part shipped, the rest cancelled);
# - invoice: "open" (unpaid; overdue when the customer has no payment terms),
#   "paid" or "overdue".
STORY = """
--- about six months ago: the established customers ---
s001 happy_tails      -          176 shop_dog       1 -          ontime+paid
s002 petnest          fresno     172 chain_pallet   1 PN-24117   ontime+paid
s003 bayview_vet      -          168 vet            1 BVC-3308   late+paid
s004 aquarium_corner  -          163 aquarium       1 -          ontime+paid
s005 golden_gate_vet  -          158 vet            2 GG-PO-2104 ontime+paid
s006 coastal_critters -          155 shop_cat       1 -          cancel
s007 aqua_planet      santa_rosa 152 aqua_chain     1 AP-0912    partial_late+paid
--- five months ago: Snip & Sparkle's first order ---
s008 bark_avenue      -          148 accessories    1 -          ontime+paid
s009 snip_sparkle     -          143 groomer        1 -          ontime+paid
s010 petnest          modesto    140 chain_mix      2 PN-24263   ontime+paid
s011 paws_claws       -          136 shop_cat       1 PC-1187    late+paid
s012 marin_vet        -          131 vet            1 -          ontime+paid
s013 happy_tails      -          127 shop_cat       1 none       ontime+paid
s014 coastal_critters -          124 shop_dog       1 -          ontime+paid
s015 happy_tails      -          122 treats         1 -          cancel
--- four months ago: Reptile Republic won ---
s016 reptile_republic -          116 terrarium      2 -          ontime+paid
s017 petnest          stockton   113 chain_pallet   1 PN-24390   late+paid
s018 golden_gate_vet  -          109 vet            2 GG-PO-2187 ontime+paid
s019 aquarium_corner  -          105 aquarium       2 -          short+paid
s020 bayview_vet      -          101 vet            1 BVC-3391   ontime+paid
s021 aqua_planet      santa_rosa  97 aqua_chain     1 AP-0968    ontime+paid
--- 95 days ago the company switched its accuracy checks to enforce ---
s022 paws_claws       -           94 treats         1 PC-1242    ontime+paid
s023 bark_avenue      -           92 accessories    2 -          cancel
r001 happy_tails      -           91 treats         1 -          ontime+paid
r002 bayview_vet      -           89 vet            1 BVC-3420   ontime+paid
--- three months ago: Furry Friends Market won; the regulars order more often ---
s024 furry_friends    -           86 shop_dog       2 -          ontime+paid
s025 petnest          fresno      83 chain_mix      3 PN-24511   partial_late+paid
s026 happy_tails      -           80 shop_dog       2 -          ontime+paid
r003 bark_avenue      -           78 accessories    1 -          ontime+paid
s027 snip_sparkle     -           76 groomer        2 -          late+paid
r004 aquarium_corner  -           74 aquarium       1 -          ontime+paid
s028 marin_vet        -           73 vet            1 none       ontime+paid
s029 reptile_republic -           70 terrarium      1 -          ontime+paid
r005 coastal_critters -           68 shop_dog       1 -          ontime+paid
s030 golden_gate_vet  -           66 vet            3 GG-PO-2256 ontime+paid
s031 coastal_critters -           63 aquarium       1 -          cancel
r006 marin_vet        -           63 vet            1 -          ontime+paid
s032 paws_claws       -           61 shop_cat       2 PC-1301    ontime+paid
--- two months ago: Fluffy Cuts won ---
r007 furry_friends    -           58 treats         1 -          ontime+paid
s033 fluffy_cuts      -           56 groomer        1 -          ontime+overdue
s034 petnest          modesto     54 chain_pallet   1 PN-24640   ontime+paid
r008 happy_tails      -           52 shop_cat       1 -          ontime+paid
s035 bayview_vet      -           51 vet            2 BVC-3472   late+paid
s036 aqua_planet      santa_rosa  48 aqua_chain     2 AP-1033    ontime+paid
s037 happy_tails      -           45 shop_cat       2 -          ontime+paid
r009 coastal_critters -           44 shop_cat       1 -          ontime+paid
s038 snip_sparkle     -           42 groomer        2 -          ontime+overdue
r010 bark_avenue      -           40 treats         1 -          ontime+paid
s039 furry_friends    -           39 shop_cat       2 -          ontime+paid
r011 aquarium_corner  -           37 aquarium       1 -          ontime+paid
s040 golden_gate_vet  -           36 vet            3 GG-PO-2291 ontime+open
s041 marin_vet        -           33 vet            2 -          late+open
s042 bark_avenue      -           31 accessories    2 -          ontime+paid
--- this month: Sunnyvale Pet Pantry won; work in progress ---
r012 happy_tails      -           30 treats         1 -          ontime+paid
s043 reptile_republic -           28 terrarium      2 -          ontime+open
s044 petnest          stockton    26 chain_pallet   2 PN-24788   ontime+open
s045 paws_claws       -           24 treats         2 PC-1366    ontime+open
s046 aquarium_corner  -           22 aquarium       2 -          late+open
r013 coastal_critters -           20 shop_dog       1 -          ontime+paid
s047 bayview_vet      -           19 vet            2 BVC-3540   ontime+open
r014 bark_avenue      -           17 accessories    1 -          ontime+paid
s048 pet_pantry       -           16 shop_dog       2 -          ontime+open
s049 petnest          fresno      13 chain_mix      3 PN-24851   partial
s050 happy_tails      -           11 shop_dog       2 -          ontime
s051 aqua_planet      santa_rosa   9 aqua_chain     2 AP-1101    late
s052 marin_vet        -            7 vet            3 -          pending
s053 furry_friends    -            6 shop_cat       2 -          pending
s054 snip_sparkle     -            5 groomer        1 -          pending
s055 pet_pantry       -            4 shop_cat       1 -          pending
s056 marin_vet        -            3 vet            2 -          pending
s059 coastal_critters -            3 shop_cat       1 -          ontime+open
s057 petnest          modesto      2 chain_pallet   2 PN-24902   pending
s058 bark_avenue      -            1 accessories    3 -          pending
s060 happy_tails      -            0 treats         1 -          pending
--- quotations waiting; most hide a typical wholesale error ---
q02 marin_vet         -           20 vet            1 -          sent
q01 coastal_critters  -           12 shop_cat       1 -          sent
q05 aqua_planet       napa        10 terrarium      4 AP-1098    sent
q06 furry_friends     -            8 treats         1 -          cancel
q03 petnest           bakersfield  6 chain_mix      2 PN-24877   sent
q04 petnest           visalia      6 chain_pallet   1 PN-24878   sent
q12 fluffy_cuts       -            4 groomer        1 none       draft
q07 bark_avenue       -            3 accessories    2 -          sent
q08 golden_gate_vet   -            2 vet            3 GG-PO-2291 draft
q10 aquarium_corner   -            2 aquarium       1 -          draft
q09 snip_sparkle      -            1 groomer        4 -          draft
q11 paws_claws        -            1 odd_quantities 1 PC-1402    draft
"""

StoryOrder = namedtuple(
    "StoryOrder",
    "key customer branch days_ago basket scale po delivery invoice",
)


def _parse_story(text):
    orders = []
    for line in text.splitlines():
        if not line or line.startswith("---"):
            continue
        key, customer, branch, days_ago, basket, scale, po, fate = line.split()
        delivery, __, invoice = fate.partition("+")
        orders.append(
            StoryOrder(
                key=key,
                customer=customer,
                branch=None if branch == "-" else f"{customer}_{branch}",
                days_ago=int(days_ago),
                basket=basket,
                scale=int(scale),
                po=po,
                delivery=delivery,
                invoice=invoice or None,
            )
        )
    return orders


STORY_ORDERS = _parse_story(STORY)
QUOTATION_FATES = ("draft", "sent", "cancel")

# Details that make single orders part of the story: the opportunity they
# came from, and the errors typed into some quotations.
STORY_DETAILS = {
    "s016": {"opportunity": "reptile_republic"},
    "s022": {"opportunity": "paws_claws_treats"},
    "s024": {"opportunity": "furry_friends"},
    "s033": {"opportunity": "fluffy_cuts"},
    "s048": {"opportunity": "pet_pantry"},
    "q03": {"opportunity": "petnest_branches"},
    "q04": {"opportunity": "petnest_branches"},
    "q05": {"opportunity": "aqua_planet_terrarium"},
    "q07": {"opportunity": "bark_avenue_holiday", "discount": 25.0},
    "q10": {"price": ("aquarium_heater", 14.90)},
}

# The outcome of each demo meeting (calendar_event_<key>_demo) in the story:
# planned | held | no_show | rescheduled | cancelled.
SUPPORT_REQUESTS = [
    ("proposal", "Volume proposal for the autumn range", 150, 3, 30),
    ("order_processing", "Split the order over two delivery dates", 120, 1, 6),
    ("document", "Certificate of analysis for the grain-free kibble", 95, 5, 52),
    ("shipment_update", "Where is the pallet of cat litter?", 70, 2, 4),
    ("meeting_scheduling", "Set up a tasting day at the clinic", 45, 8, 75),
    ("order_processing", "Re-issue the order with the new PO number", 20, 1, 3),
    ("shipment_update", "Delivery slot for the new branch", 6, 4, None),
    ("proposal", "Aquarium starter kits for the spring promotion", 1, None, None),
    ("document", "Copy of the delivery note for Coastal Critters", 1, 2, 20),
    ("order_processing", "Rush the treats order for Happy Tails", 0, 1, None),
]

MEETING_OUTCOMES = {
    "reptile_intro": "held",
    "reptile_listing": "held",
    "paws_claws_treats": "held",
    "furry_friends_assortment": "held",
    "whiskers_pricing": "held",
    "fluffy_cuts_visit": "no_show",
    "fluffy_cuts_visit2": "held",
    "coastal_aquarium": "cancelled",
    "pet_pantry_visit": "held",
    "pet_pantry_review": "rescheduled",
    "pet_pantry_review2": "held",
    "aqua_planet_supplier_day": "cancelled",
    "golden_gate_review": "held",
    "doggy_day_spa_demo": "no_show",
    "petnest_rollout": "held",
    "marin_vet_dental_call": "planned",
    "bark_avenue_holiday": "planned",
    "hillside_discovery": "planned",
    "doggy_day_spa_demo2": "planned",
    "golden_gate_followup": "planned",
    "petnest_opening_order": "planned",
    "aqua_planet_terrarium": "planned",
}

# Rescheduled meetings and the meeting that replaced them.
RESCHEDULED_TO = {"pet_pantry_review": "pet_pantry_review2"}

# Days between a quotation and its confirmation, between the confirmation and
# the promised delivery, and how late a late delivery is.
CONFIRM_AFTER_DAYS = 1
PROMISED_AFTER_DAYS = 3
LATE_BY_DAYS = 4

# The company observed its order accuracy (the checks record issues and never
# block) until this many days ago, then switched to enforce: since then a
# blocking issue stops the confirmation and the sales office fixes it first,
# and it types fewer errors in. The share of confirmed orders right the first
# time the story gives each calendar month, before and after the switch (with
# a dozen orders a month, one order typed in wrong is 8 %).
ENFORCE_DAYS_AGO = 95
ACCURACY_OBSERVED = 0.87
ACCURACY_ENFORCED = 0.94
# The errors the sales office types in, in turn: a price typed by hand instead
# of the pricelist's (the share of it typed), a discount beyond what the
# manager allows (%).
TYPED_PRICE_SHARE = 0.8
TYPED_DISCOUNT = 25.0


class DemoStory:
    """The story, played in an environment ``env``."""

    def __init__(self, env):
        self.env = env

    def load(self):
        """Play the story on the demo master data. Safe to run twice."""
        company = self.env.ref("base.main_company")
        demo = DemoStory(
            self.env(
                context=dict(
                    self.env.context,
                    allowed_company_ids=company.ids,
                    tracking_disable=True,
                    mail_create_nolog=True,
                    mail_notrack=True,
                    no_mail_to_attendees=True,
                    mail_auto_subscribe_no_notify=True,
                )
            )
        )
        warehouse = demo.env["stock.warehouse"].search(
            [("company_id", "=", company.id)], limit=1
        )
        if not warehouse:
            _logger.warning("Demo story skipped: the company has no warehouse.")
            return
        now = fields.Datetime.now()
        demo._demo_stock(warehouse, now)
        can_invoice = demo._demo_can_invoice(company)
        enforce_since = demo._demo_at(now, ENFORCE_DAYS_AGO, hour=8)
        plan = demo._demo_accuracy_plan(now, enforce_since)
        teams = demo.env["crm.team"].browse(
            [demo._demo_ref(team).id for team in CUSTOMER_TEAMS]
        )
        wrong = Counter()
        typed = 0
        # Day by day: each order exists only once its day has come, so that
        # checks at confirmation see the past, not the future.
        orders = []
        for story in sorted(STORY_ORDERS, key=lambda story: -story.days_ago):
            if (
                not all(mode == "enforce" for mode in teams.mapped("accuracy_mode"))
                and demo._demo_at(now, story.days_ago, hour=9) >= enforce_since
            ):
                # the wholesaler enforces on its own three teams; the company
                # (and so Odoo's own demo teams) keeps observing
                teams.write({"accuracy_mode": "enforce"})
            order = demo._demo_order(story, now)
            group, quota, last = plan.get(story.key, (None, 0, False))
            if last and order.state == "draft" and wrong[group] < quota:
                demo._demo_type_mistake(order, typed)
                typed += 1
            demo._demo_play_order(story, order, now, can_invoice)
            if group and order.accuracy_first_checked_date:
                wrong[group] += not order.first_time_right
            orders.append((story, order))
        demo._demo_backdate_partners(orders)
        demo._demo_backdate_checks(orders, now)
        demo._demo_backdate_crm()
        demo._demo_meeting_outcomes()
        demo._demo_meeting_today(now)
        demo._demo_support_requests(now)
        DeliveryChapter(demo).play(now, [order for __, order in orders])

    # --- master data helpers ---

    def _demo_ref(self, name):
        return self.env.ref(f"{MODULE}.{name}", raise_if_not_found=False)

    def _demo_product(self, key):
        return self.env.ref(f"{MODULE}.product_product_{key}_demo")

    def _demo_partner(self, key):
        return self.env.ref(f"{MODULE}.res_partner_{key}_demo")

    def _demo_team(self, customer):
        team = next(team for team, keys in CUSTOMER_TEAMS.items() if customer in keys)
        return self.env.ref(f"{MODULE}.{team}")

    def _demo_lines(self, basket, scale):
        return [(key, qty * scale) for key, qty in BASKETS[basket]]

    def _demo_at(self, now, days_ago, hour=10, past=True):
        """A datetime at ``hour`` o'clock, ``days_ago`` days before ``now``
        (after it if negative); never in the future when ``past``."""
        day = (now - timedelta(days=days_ago)).date()
        moment = datetime.combine(day, time(hour, 0))
        latest = (now - timedelta(minutes=5)).replace(second=0, microsecond=0)
        return min(moment, latest) if past else moment

    def _demo_can_invoice(self, company):
        """Invoices and payments need a chart of accounts with a sales and a
        bank journal; without them the story stops at the deliveries."""
        journals = self.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "in", ("sale", "bank"))]
        )
        return set(journals.mapped("type")) == {"sale", "bank"}

    # --- chapter: stock ---

    def _demo_stock(self, warehouse, now):
        """Put the initial stock in the warehouse: what the story ships plus a
        buffer, except for the products the warehouse is short of."""
        demand = {}
        backordered = {}
        for story in STORY_ORDERS:
            if story.delivery in QUOTATION_FATES:
                continue
            lines = self._demo_lines(story.basket, story.scale)
            for key, qty in lines:
                demand[key] = demand.get(key, 0) + qty
            if story.delivery == "partial":
                key, qty = lines[-1]
                left = qty - self._demo_half(self._demo_product(key), qty)
                backordered[key] = backordered.get(key, 0) + left
        location = warehouse.lot_stock_id
        Quant = self.env["stock.quant"].with_context(inventory_mode=True)
        products = self.env["product.product"].browse(
            [self._demo_product(key).id for key in demand]
        )
        # Once stocked, a product keeps its inventory move even when the
        # story has sold its last unit.
        stocked = set(
            self.env["stock.move"]
            .search(
                [
                    ("product_id", "in", products.ids),
                    ("location_dest_id", "=", location.id),
                    ("is_inventory", "=", True),
                ]
            )
            .product_id.ids
        )
        quants = Quant
        for key, qty in demand.items():
            product = self._demo_product(key)
            if product.id in stocked:
                continue
            if key in SHORT_PRODUCTS:
                qty -= backordered.get(key, 0)
            else:
                qty += max(qty // 4, 24)
            quants |= Quant.create(
                {
                    "product_id": product.id,
                    "location_id": location.id,
                    "inventory_quantity": qty,
                }
            )
        if not quants:
            return
        quants.action_apply_inventory()
        moves = self.env["stock.move"].search(
            [
                ("product_id", "in", quants.product_id.ids),
                ("location_dest_id", "=", location.id),
                ("is_inventory", "=", True),
            ]
        )
        self._demo_backdate_moves(
            {move.id: now - timedelta(days=185) for move in moves}
        )

    # --- chapter: quotations and orders ---

    def _demo_order(self, story, now):
        """The story's order ``story``, created on its day if not there yet."""
        xmlid = f"sale_order_story_{story.key}_demo"
        order = self._demo_ref(xmlid)
        if order:
            return order
        order = self._demo_create_order(story, now)
        self.env["ir.model.data"].create(
            {
                "module": MODULE,
                "name": xmlid,
                "model": "sale.order",
                "res_id": order.id,
                "noupdate": True,
            }
        )
        self._demo_backdate("sale_order", {order.id: order.date_order})
        return order

    def _demo_reference(self, story, partner, date_order):
        if story.po == "none":
            return False
        if story.po == "-":
            initials = "".join(
                word[0] for word in partner.name.split() if word.isalpha()
            )
            return f"{initials.upper()}-{date_order:%m%d}"
        return story.po

    def _demo_create_order(self, story, now):
        details = STORY_DETAILS.get(story.key, {})
        partner = self._demo_partner(story.customer)
        shipping = self._demo_partner(story.branch) if story.branch else partner
        lines = []
        for product_key, qty in self._demo_lines(story.basket, story.scale):
            values = {
                "product_id": self._demo_product(product_key).id,
                "product_uom_qty": qty,
            }
            if details.get("discount"):
                values["discount"] = details["discount"]
            price = details.get("price")
            if price and price[0] == product_key:
                values["price_unit"] = price[1]
            lines.append(Command.create(values))
        date_order = self._demo_at(now, story.days_ago, hour=9)
        values = {
            "partner_id": partner.id,
            "partner_invoice_id": partner.id,
            "partner_shipping_id": shipping.id,
            "client_order_ref": self._demo_reference(story, partner, date_order),
            "date_order": date_order,
            "validity_date": (date_order + timedelta(days=30)).date(),
            "team_id": self._demo_team(story.customer).id,
            "user_id": partner.user_id.id,
            "order_line": lines,
        }
        if details.get("opportunity"):
            lead = self._demo_ref(f"crm_lead_{details['opportunity']}_demo")
            values["opportunity_id"] = lead.id if lead else False
        if story.po not in ("-", "none"):
            # Customers who send a PO also give the date they need the goods.
            values["commitment_date"] = date_order + timedelta(
                days=CONFIRM_AFTER_DAYS + PROMISED_AFTER_DAYS
            )
        return self.env["sale.order"].create(values)

    # --- chapter: confirmation, delivery, invoice, payment ---

    def _demo_play_order(self, story, order, now, can_invoice):
        if story.delivery in QUOTATION_FATES:
            if order.state == "draft" and story.delivery == "sent":
                order.action_quotation_sent()
            elif order.state in ("draft", "sent") and story.delivery == "cancel":
                order._action_cancel()
            return
        days_ago = story.days_ago
        confirmed = self._demo_at(now, days_ago - CONFIRM_AFTER_DAYS, hour=11)
        promised = self._demo_at(
            now,
            days_ago - CONFIRM_AFTER_DAYS - PROMISED_AFTER_DAYS,
            hour=16,
            past=False,
        )
        if order.state in ("draft", "sent"):
            self._demo_confirm(order)
            order.write({"date_order": confirmed})
            pickings = order.picking_ids.filtered(
                lambda p: p.state not in ("done", "cancel")
            )
            pickings.write({"scheduled_date": promised})
            pickings.move_ids.write({"date_deadline": promised})
        if order.state != "sale":
            return
        shipped = self._demo_deliver(order, story.delivery, promised, now)
        if not (story.invoice and can_invoice and shipped):
            return
        days_late = 1 + days_ago // 45  # invoicing got faster over the months
        invoice_date = min(shipped + timedelta(days=days_late), now).date()
        self._demo_invoice(order, story.invoice, invoice_date, now)

    def _demo_confirm(self, order):
        """Confirm a story order (the hook for checks that run at confirmation).

        Once the company enforces its checks, the sales office applies the
        one-click fixes of the blocking issues the checks find, then confirms.
        """
        if order._accuracy_mode() == "enforce":
            order.action_check_accuracy()
            issues = order.accuracy_issue_ids.filtered(
                lambda issue: (
                    issue.state == "open"
                    and issue.severity == "blocking"
                    and issue.fix_label
                )
            )
            if issues:
                issues.action_fix()
        order.action_confirm()

    # --- chapter: order accuracy before and after the switch to enforce ---

    def _demo_accuracy_plan(self, now, enforce_since):
        """``{key: (group, mistakes, last)}`` for the story orders confirmed.

        The orders confirmed in a calendar month before the switch to enforce
        make a group, those after it another: each group gets as many orders
        wrong at their first check as make its share right the first time
        ACCURACY_OBSERVED, then ACCURACY_ENFORCED. The mistakes the data make
        by themselves (a forgotten PO number, a customer without payment
        terms, a product short in the warehouse) count first; the last order
        of the group is typed in wrong when they are not enough. So the
        months keep their figure whatever the day of installation.
        """
        groups = {}
        for story in sorted(STORY_ORDERS, key=lambda story: -story.days_ago):
            if story.delivery in QUOTATION_FATES:
                continue
            confirmed = self._demo_at(now, story.days_ago - CONFIRM_AFTER_DAYS, hour=11)
            group = (confirmed.year, confirmed.month, confirmed >= enforce_since)
            groups.setdefault(group, []).append(story.key)
        plan = {}
        for group, keys in groups.items():
            rate = ACCURACY_ENFORCED if group[2] else ACCURACY_OBSERVED
            mistakes = round(len(keys) * (1 - rate))
            for key in keys:
                plan[key] = (group, mistakes, key == keys[-1])
        return plan

    def _demo_type_mistake(self, order, index):
        """Type mistake number ``index`` into the first line of a new order:
        a price typed by hand, or a discount beyond the allowed one."""
        line = order.order_line[:1]
        if index % 2:
            line.discount = TYPED_DISCOUNT
        else:
            line.price_unit = order.currency_id.round(
                line.price_unit * TYPED_PRICE_SHARE
            )

    def _demo_deliver(self, order, delivery, promised, now):
        """Ship the order as the story says; returns the last shipping date."""
        pickings = order.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state not in ("cancel",)
        )
        done = pickings.filtered(lambda p: p.state == "done")
        if done:
            return max(done.mapped("date_done"))
        if delivery == "pending" or not pickings:
            return False
        on_time = min(promised - timedelta(hours=20), now - timedelta(hours=1))
        late = min(promised + timedelta(days=LATE_BY_DAYS), now - timedelta(hours=1))
        picking = pickings[0]
        if delivery in ("ontime", "late"):
            self._demo_validate(picking, on_time if delivery == "ontime" else late)
            return on_time if delivery == "ontime" else late
        # Partial: the last line leaves with half of what was ordered.
        self._demo_validate(
            picking, on_time, partial=True, backorder=delivery != "short"
        )
        if delivery == "partial_late":
            backorder = order.picking_ids.filtered(
                lambda p: p.state not in ("done", "cancel")
            )
            if backorder:
                self._demo_validate(backorder[0], late + timedelta(days=3))
                return late + timedelta(days=3)
        return on_time

    def _demo_validate(self, picking, when, partial=False, backorder=True):
        picking.action_assign()
        last_move = picking.move_ids.sorted(lambda m: m.sale_line_id.sequence or m.id)[
            -1:
        ]
        for move in picking.move_ids:
            qty = move.product_uom_qty
            if partial and move == last_move:
                qty = self._demo_half(move.product_id, qty)
            move.quantity = qty
            move.picked = bool(qty)
        context = {"skip_backorder": True, "skip_sms": True}
        if not backorder:
            context["picking_ids_not_to_backorder"] = picking.ids
        result = picking.with_context(**context).button_validate()
        if result is not True:
            _logger.warning(
                "Demo story: %s was not validated (%s).", picking.name, result
            )
            return
        picking.write({"date_done": when})
        self._demo_backdate_moves({move.id: when for move in picking.move_ids})

    def _demo_half(self, product, qty):
        """Half of ``qty``, in whole case packs: what a partial delivery ships."""
        pack = min(product.packaging_ids.mapped("qty") or [1])
        return (qty // 2) // pack * pack

    def _demo_invoice(self, order, fate, invoice_date, now):
        invoice = order.invoice_ids.filtered(lambda m: m.move_type == "out_invoice")[:1]
        if not invoice and order.invoice_status == "to invoice":
            invoice = order._create_invoices()
            values = {"invoice_date": invoice_date}
            if not invoice.invoice_payment_term_id:
                values["invoice_date_due"] = invoice_date
            invoice.write(values)
            invoice.action_post()
            posted_at = datetime.combine(invoice_date, time(15, 0))
            self._demo_backdate("account_move", {invoice.id: posted_at})
            # The invoice-processing KPI counts from confirmation to posting:
            # the story posts today what it dates in the past.
            self.env.cr.execute(
                SQL(
                    "UPDATE sale_order SET invoice_posted_date = %s WHERE id = %s",
                    posted_at,
                    order.id,
                )
            )
            order.invalidate_recordset(["invoice_posted_date"])
        if not invoice or fate != "paid" or invoice.payment_state != "not_paid":
            return
        term_days = max(
            (invoice.invoice_date_due - invoice.invoice_date).days - 2,
            0,
        )
        paid_on = min(invoice.invoice_date + timedelta(days=term_days), now.date())
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"payment_date": paid_on})._create_payments()

    # --- chapter: support requests ---

    def _demo_support_requests(self, now):
        """What the sales reps asked the coordinators, and how fast it went:
        (type, subject, days ago, hours to first response, hours to done)."""
        Request = self.env["sales.support.request"]
        if Request.search_count([("name", "=like", "[demo] %")]):
            return
        salesperson = self._demo_ref("res_users_salesperson_demo")
        # the story's orders, not Odoo's demo ones
        story_orders = self.env["ir.model.data"].search(
            [("module", "=", MODULE), ("model", "=", "sale.order")]
        )
        orders = self.env["sale.order"].search(
            [
                ("id", "in", story_orders.mapped("res_id")),
                ("state", "=", "sale"),
                ("company_id", "=", self.env.company.id),
            ],
            order="date_order",
        )
        if not orders or not salesperson:
            return
        for index, (kind, subject, days_ago, response, resolution) in enumerate(
            SUPPORT_REQUESTS
        ):
            order = orders[index * len(orders) // len(SUPPORT_REQUESTS)]
            asked = self._demo_at(now, days_ago, hour=9)
            request = Request.create(
                {
                    "name": f"[demo] {subject} ({order.name})",
                    "request_type": kind,
                    "requested_by_id": salesperson.id,
                    "order_id": order.id,
                    "partner_id": order.partner_id.id,
                }
            )
            values = {"request_date": asked}
            # today's requests: nothing happens in the future
            latest = max(asked, now - timedelta(minutes=1))
            if response is not None:
                values["first_response_date"] = min(
                    asked + timedelta(hours=response), latest
                )
                values["state"] = "in_progress"
            if resolution is not None:
                values["done_date"] = min(asked + timedelta(hours=resolution), latest)
                values["state"] = "done"
            request.write(values)

    # --- chapter: meetings ---

    def _demo_meeting_outcomes(self):
        """Record what happened to the meetings of the story."""
        for key, outcome in MEETING_OUTCOMES.items():
            event = self._demo_ref(f"calendar_event_{key}_demo")
            if not event or event.coordination_outcome != "planned":
                continue
            values = {"coordination_outcome": outcome}
            if key in RESCHEDULED_TO:
                new_event = self._demo_ref(f"calendar_event_{RESCHEDULED_TO[key]}_demo")
                values["rescheduled_event_id"] = new_event.id
            event.write(values)

    def _demo_meeting_today(self, now):
        """A meeting held earlier today: the month has begun for the meeting
        KPI too."""
        name = "Happy Tails: treats display in the shop"
        Event = self.env["calendar.event"].with_context(no_mail_to_attendees=True)
        if Event.search_count([("name", "=", name)]):
            return
        coordinator = self._demo_ref("res_users_coordinator_demo")
        customer = self._demo_partner("happy_tails")
        start = max(
            datetime.combine(now.date(), time.min),
            min(datetime.combine(now.date(), time(8, 0)), now - timedelta(hours=1)),
        )
        event = Event.create(
            {
                "name": name,
                "user_id": coordinator.id if coordinator else self.env.uid,
                "partner_ids": [Command.set(customer.ids)],
                "start": start,
                "stop": start + timedelta(minutes=30),
                "location": "At the customer's",
            }
        )
        event.write({"coordination_outcome": "held"})

    # --- chapter: history (creation dates) ---

    def _demo_backdate_checks(self, orders, now):
        """The checks first ran when the quotation was saved: date the first
        check (and what it found) at the order's creation, not at the
        install."""
        ids = [order.id for __, order in orders]
        if not ids:
            return
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE sale_order
                   SET accuracy_first_checked_date = LEAST(
                           create_date + interval '5 minutes', %(now)s)
                 WHERE id IN %(ids)s AND accuracy_first_checked_date IS NOT NULL
                """,
                now=now,
                ids=tuple(ids),
            )
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE sale_accuracy_issue i
                   SET date_found = o.accuracy_first_checked_date
                  FROM sale_order o
                 WHERE o.id = i.order_id AND o.id IN %(ids)s
                   AND i.date_found > o.accuracy_first_checked_date
                """,
                ids=tuple(ids),
            )
        )
        self.env.invalidate_all()

    def _demo_backdate_partners(self, orders):
        """A customer was created a week before its first order."""
        first = {}
        for __, order in orders:
            partner = order.partner_id.commercial_partner_id
            first[partner] = min(
                first.get(partner, order.create_date), order.create_date
            )
        dates = {}
        for partner, when in first.items():
            for record in partner | partner.child_ids:
                dates[record.id] = when - timedelta(days=7)
        # The two newest chain branches were only added last week.
        for key in ("petnest_bakersfield", "petnest_visalia"):
            dates[self._demo_partner(key).id] = fields.Datetime.now() - timedelta(
                days=7
            )
        self._demo_backdate("res_partner", dates)

    def _demo_backdate_crm(self):
        """Leads were created when they were opened; meetings a few days before
        they took place."""
        data = self.env["ir.model.data"].search(
            [("module", "=", MODULE), ("model", "in", ("crm.lead", "calendar.event"))]
        )
        leads = (
            self.env["crm.lead"]
            .with_context(active_test=False)
            .browse(data.filtered(lambda d: d.model == "crm.lead").mapped("res_id"))
        )
        self._demo_backdate(
            "crm_lead", {lead.id: lead.date_open for lead in leads if lead.date_open}
        )
        events = self.env["calendar.event"].browse(
            data.filtered(lambda d: d.model == "calendar.event").mapped("res_id")
        )
        self._demo_backdate(
            "calendar_event",
            {
                event.id: min(event.start - timedelta(days=5), event.create_date)
                for event in events
            },
        )

    def _demo_backdate(self, table, dates):
        """Set ``create_date`` of the rows of ``table`` given as ``{id: datetime}``,
        in one query."""
        if not dates:
            return
        values = SQL(", ").join(
            SQL("(%s, %s::timestamp)", rid, when) for rid, when in dates.items()
        )
        self.env.cr.execute(
            SQL(
                "UPDATE %s AS t SET create_date = v.d"
                " FROM (VALUES %s) AS v(id, d) WHERE t.id = v.id",
                SQL.identifier(table),
                values,
            )
        )
        self.env.invalidate_all()

    def _demo_backdate_moves(self, dates):
        """Give done stock moves (and their lines) the date the goods moved."""
        if not dates:
            return
        values = SQL(", ").join(
            SQL("(%s, %s::timestamp)", rid, when) for rid, when in dates.items()
        )
        for table, column in (("stock_move", "id"), ("stock_move_line", "move_id")):
            self.env.cr.execute(
                SQL(
                    "UPDATE %s AS t SET date = v.d"
                    " FROM (VALUES %s) AS v(id, d) WHERE t.%s = v.id",
                    SQL.identifier(table),
                    values,
                    SQL.identifier(column),
                )
            )
        self.env.invalidate_all()
