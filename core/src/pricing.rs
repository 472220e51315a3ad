//! Ticket prices for one traveller on one visit date: the season's full price, then the
//! best discount rule from the region's data that applies (age on the visit date, or a
//! status such as full-time student). Rules are data because regions differ.

use chrono::{Datelike, NaiveDate};

use crate::catalog::{Catalog, DiscountRule, Fen};
use crate::text::Text;

/// What pricing needs to know about a traveller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Traveller {
    pub birth_date: NaiveDate,
    /// Statuses the traveller can prove at the gate, such as `student`.
    pub statuses: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedDiscount {
    pub rule_id: String,
    pub name: Text,
    pub pay_percent: u8,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketPrice {
    pub ticket_id: String,
    pub full: Fen,
    pub pay: Fen,
    /// Age on the visit date, which decided the discount.
    pub age: u32,
    pub discount: Option<AppliedDiscount>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PricingError {
    #[error("no ticket `{0}` in this region")]
    UnknownTicket(String),
    #[error("the visit date is before the traveller's birth date")]
    NotYetBorn,
}

/// Completed years on `day`. Someone born on 29 February turns a year older on
/// 1 March in common years.
pub fn age_on(birth: NaiveDate, day: NaiveDate) -> Option<u32> {
    if day < birth {
        return None;
    }
    let mut age = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    u32::try_from(age).ok()
}

pub fn price_ticket(
    catalog: &Catalog,
    ticket_id: &str,
    visit: NaiveDate,
    who: &Traveller,
) -> Result<TicketPrice, PricingError> {
    let ticket = catalog
        .tickets
        .iter()
        .find(|t| t.id == ticket_id)
        .ok_or_else(|| PricingError::UnknownTicket(ticket_id.to_owned()))?;
    let age = age_on(who.birth_date, visit).ok_or(PricingError::NotYetBorn)?;
    let season = catalog
        .season_on(visit)
        .map(|s| s.id.as_str())
        .unwrap_or_default();
    let full = Fen::from_yuan(ticket.price.get(season).copied().unwrap_or_default());
    let best = catalog
        .discounts
        .iter()
        .filter(|rule| rule.tickets.iter().any(|t| t == ticket_id) && applies(rule, age, who))
        .min_by_key(|rule| rule.pay_percent);
    let pay = match best {
        // Round to the fen, in the tourist's favour.
        Some(rule) => Fen(full.0 * i64::from(rule.pay_percent) / 100),
        None => full,
    };
    Ok(TicketPrice {
        ticket_id: ticket_id.to_owned(),
        full,
        pay,
        age,
        discount: best.map(|rule| AppliedDiscount {
            rule_id: rule.id.clone(),
            name: rule.name.clone(),
            pay_percent: rule.pay_percent,
        }),
    })
}

fn applies(rule: &DiscountRule, age: u32, who: &Traveller) -> bool {
    let old_enough = rule.min_age.is_none_or(|min| age >= u32::from(min));
    let young_enough = rule.below_age.is_none_or(|below| age < u32::from(below));
    let has_status = rule
        .requires
        .as_ref()
        .is_none_or(|s| who.statuses.contains(s));
    old_enough && young_enough && has_status
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::tests::huangshan;
    use rstest::rstest;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn born(birth: &str) -> Traveller {
        Traveller {
            birth_date: date(birth),
            statuses: vec![],
        }
    }

    #[rstest]
    #[case("2000-06-15", "2026-06-14", 25)]
    #[case("2000-06-15", "2026-06-15", 26)]
    #[case("2008-02-29", "2026-02-28", 17)]
    #[case("2008-02-29", "2026-03-01", 18)]
    #[case("2026-05-01", "2026-05-01", 0)]
    fn age_is_taken_on_the_visit_date(#[case] birth: &str, #[case] day: &str, #[case] age: u32) {
        assert_eq!(age_on(date(birth), date(day)), Some(age));
    }

    // Huangshan in peak season: 190 yuan full price.
    #[rstest]
    #[case("1990-01-01", 19_000, None)]
    #[case("2021-07-02", 0, Some("child-free"))] // 5 on the visit date
    #[case("2020-07-01", 9_500, Some("minor-half"))] // turns 6 that day
    #[case("2008-07-02", 9_500, Some("minor-half"))] // still 17
    #[case("2008-07-01", 19_000, None)] // turns 18 that day
    #[case("1966-07-01", 9_500, Some("senior-half"))] // 60
    #[case("1961-07-02", 9_500, Some("senior-half"))] // 64
    #[case("1961-07-01", 0, Some("senior-free"))] // 65
    fn entry_ticket_by_age(#[case] birth: &str, #[case] pay: i64, #[case] rule: Option<&str>) {
        let price = price_ticket(&huangshan(), "entry", date("2026-07-01"), &born(birth)).unwrap();
        assert_eq!(price.full, Fen(19_000));
        assert_eq!(price.pay, Fen(pay), "age {}", price.age);
        assert_eq!(price.discount.map(|d| d.rule_id).as_deref(), rule);
    }

    #[test]
    fn students_need_the_status() {
        let c = huangshan();
        let mut adult = born("2004-03-03");
        assert_eq!(
            price_ticket(&c, "entry", date("2026-07-01"), &adult)
                .unwrap()
                .pay,
            Fen(19_000)
        );
        adult.statuses.push("student".into());
        assert_eq!(
            price_ticket(&c, "entry", date("2026-07-01"), &adult)
                .unwrap()
                .pay,
            Fen(9_500)
        );
    }

    #[test]
    fn off_season_price_and_unknown_tickets() {
        let c = huangshan();
        let p = price_ticket(&c, "entry", date("2026-12-15"), &born("1990-01-01")).unwrap();
        assert_eq!(p.full, Fen(15_000));
        assert_eq!(
            price_ticket(&c, "nope", date("2026-12-15"), &born("1990-01-01")),
            Err(PricingError::UnknownTicket("nope".into()))
        );
        assert_eq!(
            price_ticket(&c, "entry", date("2026-12-15"), &born("2027-01-01")),
            Err(PricingError::NotYetBorn)
        );
    }
}
