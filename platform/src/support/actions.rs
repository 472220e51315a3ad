//! An agent's actions on the trip of a case they hold, for the tourist: what they may
//! refund (each line under its rule), refunding one line, issuing a pass again, and
//! applying a way out of a disruption.
//!
//! Each needs the case claimed by the agent (a supervisor does not act on another's case),
//! open, and its share live; anything else is refused before the trip is read. Each is
//! one unit: the change to the order with its events (so the tourist's devices hear of it
//! on the account's event stream), a system message in the chat saying what was done, and
//! one audit line, which the tourist sees among the share's views. The orders' side is
//! `orders/amend.rs` and `Disruptions::apply_in_unit`; this module decides who may.

use chrono::{DateTime, Utc};
use tongyou_core::api::{
    AgentWayOut, ApplyWayOut, Author, CaseDetail, CaseState, Order, RefundLine, RefundOption,
    ReissuePass,
};
use tongyou_core::catalog::Fen;
use tongyou_core::text::Text;

use super::{Agent, Support, SupportError, live, records};
use crate::orders::fmt;

impl Support {
    /// What the agent may refund on the case's trip: every line of its confirmed bookings,
    /// with its rule and what would go back now. Audited as `viewed_refunds`.
    pub fn refunds(&self, agent: &Agent, case: i64) -> Result<Vec<RefundOption>, SupportError> {
        let now = self.now();
        let (_, share) = self.store.reading(|| self.acting_on(agent, case, now))?;
        let orders = self.trip_orders(&share)?;
        let options = self.store.reading(|| -> Result<_, SupportError> {
            let mut options = Vec::new();
            for order in &orders {
                options.extend(self.booking.refund_options(order.id)?);
            }
            Ok(options)
        })?;
        self.audit(
            Some(agent.id),
            "viewed_refunds",
            Some(case),
            Some(share.id),
            None,
        )?;
        Ok(options)
    }

    /// Refunds one line of the case's trip under its refund rule. A line refunded already
    /// (this same request sent again) or used is refused with 409 and moves no money.
    pub fn refund(
        &self,
        agent: &Agent,
        case: i64,
        request: &RefundLine,
    ) -> Result<CaseDetail, SupportError> {
        self.act(agent, case, |share| {
            self.order_in_trip(share, request.order_id)?;
            let said = |back: Fen| {
                let back = back.display_yuan();
                Text::new(
                    format!("客服按退改规则退款{back}。"),
                    format!("Support refunded {back} under the refund rule."),
                )
            };
            let (line, back) =
                self.booking
                    .refund_line_in_unit(request.order_id, &request.line, &said)?;
            let back = back.display_yuan();
            Ok(Acted {
                message: format!(
                    "已为您退款：{} {back} · Refunded: {} {back}",
                    line.name.zh, line.name.en
                ),
                action: "refund",
                detail: format!("order {} {} {back}", request.order_id, request.line),
            })
        })
    }

    /// Issues a valid pass of the case's trip again: the old one stops opening gates.
    pub fn reissue(
        &self,
        agent: &Agent,
        case: i64,
        request: &ReissuePass,
    ) -> Result<CaseDetail, SupportError> {
        self.act(agent, case, |share| {
            let order = self
                .trip_orders(share)?
                .into_iter()
                .find(|o| o.passes.iter().any(|p| p.pass_id == request.pass_id))
                .ok_or(SupportError::NotFound)?;
            let (fresh, name) = self.booking.reissue_in_unit(order.id, &request.pass_id)?;
            Ok(Acted {
                message: format!(
                    "已为您重新出票：{}，原票作废 · A new pass was issued: {}; the old one no longer opens gates",
                    name.zh, name.en
                ),
                action: "reissued_pass",
                detail: format!("order {} pass {} -> {fresh}", order.id, request.pass_id),
            })
        })
    }

    /// Applies one way out of a disruption hitting an order of the case's trip, through
    /// the tourist's own path (`Disruptions::apply_in_unit`).
    pub fn way_out(
        &self,
        agent: &Agent,
        case: i64,
        request: &AgentWayOut,
    ) -> Result<CaseDetail, SupportError> {
        self.act(agent, case, |share| {
            self.order_in_trip(share, request.order_id)?;
            let done = self.disruptions.apply_in_unit(
                share.account_id,
                request.order_id,
                &ApplyWayOut {
                    disruption_id: request.disruption_id,
                    way_out: request.way_out.clone(),
                },
            )?;
            Ok(Acted {
                message: format!("已为您办理：{} · Done for you: {}", done.zh, done.en),
                action: "applied_way_out",
                detail: format!(
                    "order {} disruption {} way {}",
                    request.order_id, request.disruption_id, request.way_out
                ),
            })
        })
    }

    /// One action as one unit: the agent may act on the case ([`Self::acting_on`]), `work`
    /// changes the trip, and its system message and audit line are written with it. Then
    /// refunds owed are sent, the consoles and the tourist are told, and the case comes back.
    fn act(
        &self,
        agent: &Agent,
        case: i64,
        work: impl FnOnce(&records::ShareRow) -> Result<Acted, SupportError> + Send,
    ) -> Result<CaseDetail, SupportError> {
        let now = self.now();
        let at = fmt(now);
        let (account, share) = self.store.atomically(|| -> Result<_, SupportError> {
            let (row, share) = self.acting_on(agent, case, now)?;
            let acted = work(&share)?;
            let conn = self.store.conn()?;
            records::insert_message(
                &conn,
                case,
                Author::System,
                Some(agent.id),
                &acted.message,
                &at,
            )?;
            records::audit(
                &conn,
                &at,
                Some(agent.id),
                acted.action,
                Some(case),
                Some(share.id),
                Some(&acted.detail),
            )?;
            Ok((row.account_id, share))
        })?;
        self.booking.send_owed_refunds();
        self.changed(account);
        self.after_action(case, &share)
    }

    /// `order_id` is one of the share's trip's orders; else 404, as for any other.
    fn order_in_trip(&self, share: &records::ShareRow, order_id: i64) -> Result<(), SupportError> {
        if self.trip_orders(share)?.iter().any(|o| o.id == order_id) {
            Ok(())
        } else {
            Err(SupportError::NotFound)
        }
    }

    /// The case an agent acts on, and its share: the agent holds the case, it is open, and
    /// its trip is still shared. On the caller's read or unit.
    fn acting_on(
        &self,
        agent: &Agent,
        case: i64,
        now: DateTime<Utc>,
    ) -> Result<(records::CaseRow, records::ShareRow), SupportError> {
        let conn = self.store.conn()?;
        let row = records::case(&conn, case)?.ok_or(SupportError::NotFound)?;
        if row.agent_id != Some(agent.id) {
            return Err(SupportError::Forbidden);
        }
        if row.state == CaseState::Closed {
            return Err(SupportError::Conflict("this case is closed".into()));
        }
        let share = match row.share_id {
            Some(id) => records::share(&conn, id)?,
            None => None,
        };
        let share = share.filter(|s| live(s, now)).ok_or_else(|| {
            SupportError::Conflict(
                "no trip is shared with this case (the share ended or expired)".into(),
            )
        })?;
        Ok((row, share))
    }

    /// The orders of the share's trip.
    fn trip_orders(&self, share: &records::ShareRow) -> Result<Vec<Order>, SupportError> {
        let (orders, view) = self.trip_view(share.account_id, &share.trip_id, None)?;
        Ok(orders
            .into_iter()
            .filter(|o| view.order_ids.contains(&o.id))
            .collect())
    }

    /// The case after an action on its trip, with the trip as it now is: the action's own
    /// audit line stands for this read.
    fn after_action(
        &self,
        case: i64,
        share: &records::ShareRow,
    ) -> Result<CaseDetail, SupportError> {
        let row = self.store.reading(|| -> Result<_, SupportError> {
            let conn = self.store.conn()?;
            records::case(&conn, case)?.ok_or(SupportError::NotFound)
        })?;
        let trip = match self.shared_trip(share) {
            Ok(trip) => Some(trip),
            // The action ended the trip (a way out that cancelled its only order).
            Err(SupportError::NotFound) => None,
            Err(e) => return Err(e),
        };
        self.detail_for_agent(&row, Some(share), trip)
    }
}

/// What an action did: the chat's system line, the audit's action name and its detail.
struct Acted {
    message: String,
    action: &'static str,
    detail: String,
}
