"""The letter to the customer (Japanese): what happened, the trades, the damage, the policy, the amount.

`letter_data` gathers the facts from the case and `_blocks` words them once; `render_html` prints
the blocks through a Jinja2 template (printable HTML) and `render_pdf` lays the same blocks out
with reportlab, with the IPAexGothic font embedded so it prints the same everywhere.
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from decimal import Decimal

from jinja2 import Environment, PackageLoader, select_autoescape

from kozaguard.cases import tables as t
from kozaguard.cases.case import CaseError
from kozaguard.cases.damage import yen
from kozaguard.cases.policy import AppliedReduction
from kozaguard.cases.prices import JST
from kozaguard.cases.service import damage_of, incident_day, policies
from kozaguard.cases.store import CaseStore

SIDE = {"buy": "買付", "sell": "売却"}
COVERAGE_JA = {
    "window": "本補償方針の対象期間外の被害であるため、補償の対象外となります。",
    "report": "本補償方針では、お客様からの被害のお申し出が補償の条件となっております。",
}


def jp_date(d: date) -> str:
    """2025-04-30 -> 2025年4月30日"""
    return f"{d.year}年{d.month}月{d.day}日"


def yen_text(amount: int) -> str:
    """812500 -> 812,500円 (a loss below zero reads as a minus)."""
    return f"{amount:,}円" if amount >= 0 else f"−{-amount:,}円"


def qty_text(q: Decimal) -> str:
    return f"{q.normalize():,f}" if q != q.to_integral() else f"{int(q):,}"


def method_ja(policy) -> str:
    """The policy's rule in one Japanese sentence."""
    if policy.kind == "restore":
        text = "不正取引が行われる前のお客様の口座の状態に戻すこと（原状回復）を基本とし、"
        text += "その価額を補償いたします"
        if policy.include_withdrawals:
            text += "（第三者により出金された金額を含みます）"
        return text + "。"
    parts = []
    if policy.rate_buy:
        parts.append(f"第三者による買付で生じた損失（手数料を除く）の{_pct(policy.rate_buy)}")
    if policy.rate_sell:
        parts.append(f"お客様の保有銘柄の売却で生じた損失（手数料を除く）の{_pct(policy.rate_sell)}")
    if policy.refund_fees:
        parts.append("不正取引にかかった手数料の全額")
    if policy.fixed_jpy:
        parts.append(f"一律{policy.fixed_jpy:,}円")
    if policy.include_withdrawals:
        parts.append("第三者により出金された金額")
    return "、".join(parts) + "を補償いたします。" if parts else "補償額はございません。"


def _pct(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def letter_data(store: CaseStore, case_id: str, policy_id: str | None, valuation_date: date | None) -> dict:
    """Everything the letter says, from the case (its proposal's policy unless `policy_id` is given)."""
    with store.unit() as u:
        row = u.case_row(case_id)
        proposal = u.conn.execute(t.proposals.select().where(t.proposals.c.case_id == case_id)).first()
        known = policies(u)
        pid = policy_id or (proposal.policy_id if proposal else None)
        if pid is None:
            raise CaseError(f"case {case_id} has no proposal yet; name the policy with --policy")
        if pid not in known:
            raise CaseError(f"no policy `{pid}`; known: {', '.join(sorted(known))}")
        policy = known[pid]
        if valuation_date is None and proposal is not None:
            valuation_date = date.fromisoformat(proposal.valuation_date)
        bad = {o.order_id for o in u.rows(t.case_orders, case_id) if o.unauthorized}
        if not bad:
            raise CaseError(f"case {case_id} has no unauthorized trades; there is nothing to compensate")
        damage = damage_of(u, case_id, valuation_date)
        applied: tuple[AppliedReduction, ...] = ()
        settle = policy.settle[0]
        if proposal is not None and proposal.policy_id == pid:
            applied = tuple(AppliedReduction(r["id"], r["reason"]) for r in json.loads(proposal.reductions))
            settle = proposal.settle
        incident = incident_day(row) or damage.valuation_date
        trades = []
        for f in u.rows(t.case_fills, case_id):
            if f.order_id not in bad:
                continue
            q, px, fx, fee = (Decimal(x) for x in (f.qty, f.price, f.fx, f.fee))
            trades.append(
                {
                    "date": jp_date(datetime.fromisoformat(f.ts).astimezone(JST).date()),
                    "time": datetime.fromisoformat(f.ts).astimezone(JST).strftime("%H:%M"),
                    "symbol": f.symbol,
                    "side": SIDE[f.side],
                    "qty": qty_text(q),
                    "price": f"{px.normalize():,f} {f.currency}"
                    if f.currency != "JPY"
                    else yen_text(yen(px))
                    if px == px.to_integral()
                    else f"{px.normalize():,f}円",
                    "fee": yen_text(yen(fee)),
                    "amount": yen_text(yen(q * px * fx)),
                }
            )
        coverage = policy.coverage(incident, row.reported)
        gross = policy.payout(damage, incident=incident, reported=row.reported)
        amount = policy.payout(damage, incident=incident, reported=row.reported, applied=applied)
        figures = damage.figures()
        return {
            "case_id": case_id,
            "account_id": row.account_id,
            "today": jp_date(datetime.now(JST).date()),
            "incident": jp_date(incident),
            "valuation_date": jp_date(damage.valuation_date),
            "trades": trades,
            "damage": {k: yen_text(v) for k, v in figures.items() if isinstance(v, int)},
            "withdrawn": figures["withdrawn"],
            "policy_name": policy.name_ja,
            "policy_method": method_ja(policy),
            "restore": policy.kind == "restore",
            "coverage": None
            if coverage is None
            else COVERAGE_JA["report" if "reported" in coverage else "window"],
            "reductions": [
                {
                    "label": policy.reductions[a.id].label_ja,
                    "percent": _pct(policy.reductions[a.id].percent / 100),
                    "reason": a.reason,
                }
                for a in applied
            ],
            "gross": yen_text(gross),
            "amount": yen_text(amount),
            "in_kind": settle == "in_kind",
            "return_shares": [(s, qty_text(q)) for s, q in damage.return_shares.items()],
            "give_up_shares": [(s, qty_text(q)) for s, q in damage.give_up_shares.items()],
            "net_cash": yen(damage.net_cash),
            "status": row.status,
        }


_env = Environment(
    loader=PackageLoader("kozaguard.cases", "templates"), autoescape=select_autoescape(["html"])
)


def render_html(data: dict) -> str:
    """The letter as one printable HTML page."""
    return _env.get_template("letter.html").render(blocks=_blocks(data), **data)


def render_pdf(data: dict) -> bytes:
    """The letter as an A4 PDF with the Japanese font embedded."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from kozaguard.cases.fonts import font_path

    if "IPAexGothic" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("IPAexGothic", str(font_path())))
    base = ParagraphStyle("jp", fontName="IPAexGothic", fontSize=9.5, leading=14.5, wordWrap="CJK")
    title = ParagraphStyle("title", parent=base, fontSize=15, leading=22, alignment=1, spaceAfter=10)
    head = ParagraphStyle("head", parent=base, fontSize=11.5, leading=18, spaceBefore=5, spaceAfter=2)
    right = ParagraphStyle("right", parent=base, alignment=2)
    cell = ParagraphStyle("cell", parent=base, fontSize=9, leading=13)
    story: list = []

    def p(text: str, style=base) -> None:
        story.append(Paragraph(text, style))

    def table(rows: list[list[str]], widths: list[float], header: bool = True) -> None:
        tbl = Table([[Paragraph(c, cell) for c in r] for r in rows], colWidths=[w * mm for w in widths])
        style = [("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")))
        tbl.setStyle(TableStyle(style))
        story.append(tbl)

    for block in _blocks(data):
        kind = block[0]
        if kind == "right":
            p(block[1], right)
        elif kind == "title":
            p(block[1], title)
        elif kind == "head":
            p(block[1], head)
        elif kind == "text":
            p(block[1])
        elif kind == "table":
            table(block[1], block[2], block[3])
        story.append(Spacer(1, 2 * mm)) if kind == "table" else None
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title="不正取引による被害の補償について",
        author="kozaguard",
    )
    doc.build(story)
    return buf.getvalue()


def _blocks(d: dict) -> list[tuple]:
    """The letter's content as a sequence of blocks, shared by the PDF layout (HTML uses the template)."""
    out: list[tuple] = [
        ("right", d["today"]),
        ("text", f"口座番号 {d['account_id']} のお客様"),
        ("right", f"管理番号 {d['case_id']}"),
        ("title", "不正アクセスによる被害の補償について（ご案内）"),
        ("text", "拝啓　平素より当社をご利用いただき、誠にありがとうございます。"),
        (
            "text",
            "このたびは、お客様の証券口座が第三者による不正アクセスを受け、身に覚えのない取引が行われたことにより、"
            "多大なるご心配とご迷惑をおかけしておりますことを、心よりお詫び申し上げます。",
        ),
        (
            "text",
            "当社にて、お客様の口座のログイン記録および取引記録を調査いたしました結果、下記の取引を第三者による"
            "不正取引と確認いたしましたので、補償の内容をご案内申し上げます。",
        ),
        ("head", "1. 第三者による不正取引（約定）"),
        (
            "table",
            [["約定日時", "銘柄コード", "売買", "数量", "約定単価", "手数料", "約定金額（円換算）"]]
            + [
                [
                    f"{x['date']} {x['time']}",
                    x["symbol"],
                    x["side"],
                    x["qty"],
                    x["price"],
                    x["fee"],
                    x["amount"],
                ]
                for x in d["trades"]
            ],
            [30, 20, 12, 20, 26, 20, 32],
            True,
        ),
        ("head", "2. 被害額の算定"),
        (
            "text",
            f"評価基準日：{d['valuation_date']}（各銘柄の同日までの終値、外国株式は同日までの為替レートで評価）",
        ),
        (
            "table",
            [
                ["項目", "金額", "内容"],
                [
                    "買付による損失",
                    d["damage"]["buy_loss"],
                    "第三者が買い付けた銘柄の買付代金（手数料を含む）から、評価基準日の評価額（お客様がその後売却された分は売却額）を差し引いた額",
                ],
                [
                    "売却による損失",
                    d["damage"]["sell_loss"],
                    "第三者が売却したお客様の保有銘柄の評価基準日の評価額から、売却代金（手数料控除後）を差し引いた額",
                ],
                ["うち手数料", d["damage"]["fees"], "不正取引にかかった手数料の合計"],
                [
                    "原状回復に要する額",
                    d["damage"]["restoration"],
                    "不正取引の前の口座の状態に戻すために要する額（買付損失＋売却損失）",
                ],
            ]
            + (
                [["第三者による出金", yen_text(d["withdrawn"]), "第三者の操作により出金された金額"]]
                if d["withdrawn"]
                else []
            ),
            [40, 30, 100],
            True,
        ),
        ("head", "3. 補償方針と補償額"),
        (
            "text",
            f"当社は、2025年5月2日の日本証券業協会および各社の申し合わせを踏まえ、個別の事情に応じて補償を行っております。"
            f"お客様の場合、「{d['policy_name']}」の方針により、{d['policy_method']}",
        ),
    ]
    if d["coverage"]:
        out.append(("text", d["coverage"]))
    for r in d["reductions"]:
        out.append(
            (
                "text",
                f"なお、お客様のご事情として「{r['label']}」（{r['reason']}）を考慮し、補償額を{r['percent']}減額"
                "させていただきました。",
            )
        )
    rows = [["補償額（減額前）", d["gross"]], ["お支払いする補償額", d["amount"]]]
    out.append(("table", rows, [60, 50], False))
    if d["in_kind"]:
        back = "、".join(f"{s} {q}株" for s, q in d["return_shares"]) or "なし"
        up = "、".join(f"{s} {q}株" for s, q in d["give_up_shares"]) or "なし"
        cash = (
            f"および現金{d['net_cash']:,}円をお預かり"
            if d["net_cash"] > 0
            else f"し、現金{-d['net_cash']:,}円をお支払い"
            if d["net_cash"] < 0
            else ""
        )
        out.append(
            (
                "text",
                f"補償は現物でお返しいたします：お客様の口座に{back}をお戻しし、第三者が買い付けた{up}"
                f"{cash}いたします。",
            )
        )
    out += [
        ("head", "4. 今後のお願い"),
        (
            "text",
            "パスワードおよび取引暗証番号を変更し、多要素認証（できればフィッシング耐性のあるパスキー）をご設定ください。"
            "当社がメールやSMSでパスワード・暗証番号をお尋ねしたり、リンクからのログインをお願いしたりすることはございません。",
        ),
        (
            "text",
            "本件についてのお問い合わせは、お手数ですが当社ウェブサイトまたはアプリに記載のお客様窓口まで、上記の管理番号を"
            "添えてご連絡ください。",
        ),
        ("right", "敬具"),
    ]
    return out
