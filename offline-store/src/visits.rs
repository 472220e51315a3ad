//! The sights a tourist added to the days of their trip ([`DayVisit`]): one a sight and
//! day, kept only here. Adding the same sight to the same day again moves it to the new
//! time.

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
             ON CONFLICT (account_id, region_id, sight_id, day) DO UPDATE SET at = excluded.at",
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

    /// Takes the sight off that day; `false` when it was not on it.
    pub fn remove_visit(
        &self,
        account_id: i64,
        region_id: &str,
        sight_id: &str,
        day: chrono::NaiveDate,
    ) -> Result<bool, StoreError> {
        let removed = self.conn()?.execute(
            "DELETE FROM day_visit
             WHERE account_id = ?1 AND region_id = ?2 AND sight_id = ?3 AND day = ?4",
            params![account_id, region_id, sight_id, day.to_string()],
        )?;
        Ok(removed > 0)
    }

    /// The account's visits in the region, earliest first.
    pub fn visits(&self, account_id: i64, region_id: &str) -> Result<Vec<DayVisit>, StoreError> {
        let conn = self.conn()?;
        let mut statement = conn.prepare(
            "SELECT sight_id, at FROM day_visit WHERE account_id = ?1 AND region_id = ?2
             ORDER BY at, sight_id",
        )?;
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
        assert!(
            store
                .remove_visit(7, "huangshan", "lion-peak", day)
                .unwrap()
        );
        assert!(
            !store
                .remove_visit(7, "huangshan", "lion-peak", day)
                .unwrap()
        );
        assert_eq!(store.visits(7, "huangshan").unwrap().len(), 1);

        store.forget_account(7).unwrap();
        assert_eq!(store.visits(7, "huangshan").unwrap(), []);
        assert_eq!(
            store.visits(8, "huangshan").unwrap().len(),
            1,
            "another account's stay"
        );
    }
}
