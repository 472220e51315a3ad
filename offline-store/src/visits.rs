//! The sights a tourist added to the days of their trip ([`DayVisit`]): one a sight and
//! day, kept only here. Adding the same sight to the same day again moves it to the new
//! time. One taken off is kept as taken off, for the calendar file to cancel its event.

use rusqlite::params;
use tongyou_core::api::DayVisit;

use crate::{OfflineStore, StoreError};

/// How a visit's moment is written: region-local, to the minute.
const AT: &str = "%Y-%m-%dT%H:%M";

impl OfflineStore {
    pub fn add_visit(
        &self,
        account_id: i64,
        region_id: &str,
        visit: &DayVisit,
    ) -> Result<(), StoreError> {
        self.conn()?.execute(
            "INSERT INTO day_visit (account_id, region_id, sight_id, day, at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (account_id, region_id, sight_id, day)
             DO UPDATE SET at = excluded.at, removed_at = NULL",
            params![
                account_id,
                region_id,
                visit.sight_id,
                visit.at.date().to_string(),
                visit.at.format(AT).to_string()
            ],
        )?;
        Ok(())
    }

    /// Takes the sight off that day (at `removed_at`); `false` when it was not on it.
    pub fn remove_visit(
        &self,
        account_id: i64,
        region_id: &str,
        sight_id: &str,
        day: chrono::NaiveDate,
        removed_at: &str,
    ) -> Result<bool, StoreError> {
        let removed = self.conn()?.execute(
            "UPDATE day_visit SET removed_at = ?5
             WHERE account_id = ?1 AND region_id = ?2 AND sight_id = ?3 AND day = ?4
               AND removed_at IS NULL",
            params![account_id, region_id, sight_id, day.to_string(), removed_at],
        )?;
        Ok(removed > 0)
    }

    /// The account's visits in the region, earliest first.
    pub fn visits(&self, account_id: i64, region_id: &str) -> Result<Vec<DayVisit>, StoreError> {
        self.visits_where(account_id, region_id, "removed_at IS NULL")
    }

    /// The visits the account took off again, for the calendar file to cancel.
    pub fn removed_visits(
        &self,
        account_id: i64,
        region_id: &str,
    ) -> Result<Vec<DayVisit>, StoreError> {
        self.visits_where(account_id, region_id, "removed_at IS NOT NULL")
    }

    fn visits_where(
        &self,
        account_id: i64,
        region_id: &str,
        which: &'static str,
    ) -> Result<Vec<DayVisit>, StoreError> {
        let conn = self.conn()?;
        let mut statement = conn.prepare(&format!(
            "SELECT sight_id, at FROM day_visit WHERE account_id = ?1 AND region_id = ?2
             AND {which} ORDER BY at, sight_id"
        ))?;
        let rows = statement.query_map(params![account_id, region_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut visits = Vec::new();
        for row in rows {
            let (sight_id, at) = row?;
            let at = chrono::NaiveDateTime::parse_from_str(&at, AT).map_err(|e| {
                StoreError::Invalid {
                    what: "day visit",
                    why: format!("`{at}`: {e}"),
                }
            })?;
            visits.push(DayVisit { sight_id, at });
        }
        Ok(visits)
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDateTime;

    use super::*;

    fn visit(sight: &str, at: &str) -> DayVisit {
        DayVisit {
            sight_id: sight.into(),
            at: NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M").unwrap(),
        }
    }

    #[test]
    fn visits_are_one_a_sight_and_day_and_go_with_the_account() {
        let store = OfflineStore::open_in_memory().unwrap();
        store
            .add_visit(7, "huangshan", &visit("lotus-peak", "2026-07-15 10:30"))
            .unwrap();
        store
            .add_visit(7, "huangshan", &visit("lion-peak", "2026-07-15 08:00"))
            .unwrap();
        store
            .add_visit(8, "huangshan", &visit("lion-peak", "2026-07-15 09:00"))
            .unwrap();
        // The same sight and day again: moved, not doubled.
        store
            .add_visit(7, "huangshan", &visit("lotus-peak", "2026-07-15 13:00"))
            .unwrap();
        assert_eq!(
            store.visits(7, "huangshan").unwrap(),
            [
                visit("lion-peak", "2026-07-15 08:00"),
                visit("lotus-peak", "2026-07-15 13:00")
            ]
        );
        assert_eq!(store.visits(7, "elsewhere").unwrap(), []);

        let day = chrono::NaiveDate::from_ymd_opt(2026, 7, 15).unwrap();
        let at = "2026-07-14T20:00:00Z";
        let remove = |sight: &str| store.remove_visit(7, "huangshan", sight, day, at).unwrap();
        assert!(remove("lion-peak"));
        assert!(!remove("lion-peak"), "taken off already");
        assert_eq!(store.visits(7, "huangshan").unwrap().len(), 1);
        // Kept as taken off, until it is added again.
        let lion = visit("lion-peak", "2026-07-15 08:00");
        assert_eq!(
            store.removed_visits(7, "huangshan").unwrap(),
            std::slice::from_ref(&lion)
        );
        store.add_visit(7, "huangshan", &lion).unwrap();
        assert_eq!(store.removed_visits(7, "huangshan").unwrap(), []);
        assert_eq!(store.visits(7, "huangshan").unwrap().len(), 2);

        store.forget_account(7).unwrap();
        assert_eq!(store.visits(7, "huangshan").unwrap(), []);
        assert_eq!(store.removed_visits(7, "huangshan").unwrap(), []);
        assert_eq!(
            store.visits(8, "huangshan").unwrap().len(),
            1,
            "another account's stay"
        );
    }
}
