//! The Discover screen's content, computed from a catalog and the region's local time.
//! Pure: the caller supplies "now", so the view is the same offline and in tests.

use chrono::NaiveDateTime;

use crate::api::{DiscoverView, HotelCard, LiftCard, ShuttleCard, SightCard};
use crate::catalog::{Catalog, Fen, SeasonalPrice};
use crate::clock::ClockTime;
use crate::text::Text;

/// How many upcoming shuttle departures a card lists.
const NEXT_DEPARTURES: usize = 3;

/// Builds the view for the region-local moment `now`.
pub fn discover(catalog: &Catalog, now: NaiveDateTime) -> DiscoverView {
    let season = catalog.season_on(now.date());
    let season_id = season.map(|s| s.id.as_str()).unwrap_or_default();
    let price = |p: &SeasonalPrice| Fen::from_yuan(p.get(season_id).copied().unwrap_or_default());
    let time = ClockTime::from(now.time());

    let sights = catalog
        .sights
        .iter()
        .map(|s| SightCard {
            id: s.id.clone(),
            kind: s.kind,
            name: s.name.clone(),
            summary: s.summary.clone(),
            elevation_m: s.elevation_m,
            hours: s.hours.as_ref().map(|h| (h.open, h.close)),
            visit_minutes: s.visit_minutes,
            tags: s.tags.clone(),
        })
        .collect();

    let lifts = catalog
        .cable_cars
        .iter()
        .map(|c| {
            let hours = c
                .hours
                .iter()
                .find(|h| h.season == season_id)
                .map(|h| (h.open, h.close))
                .unwrap_or((ClockTime::MIDNIGHT, ClockTime::MIDNIGHT));
            LiftCard {
                id: c.id.clone(),
                kind: c.kind,
                name: c.name.clone(),
                from: c.lower.name.clone(),
                to: c.upper.name.clone(),
                climb_m: c.upper.elevation_m.saturating_sub(c.lower.elevation_m),
                ride_minutes: c.ride_minutes,
                hours,
                price: price(&c.price),
            }
        })
        .collect();

    let hotels = catalog
        .hotels
        .iter()
        .map(|h| HotelCard {
            id: h.id.clone(),
            name: h.name.clone(),
            area: h.area,
            grade: h.grade,
            elevation_m: h.elevation_m,
            lowest_price: h
                .room_types
                .iter()
                .map(|r| price(&r.price))
                .min()
                .unwrap_or_default(),
            room_types: h.room_types.len(),
        })
        .collect();

    let shuttles = catalog
        .shuttles
        .iter()
        .map(|s| ShuttleCard {
            id: s.id.clone(),
            name: s.name.clone(),
            from: s.from.name.clone(),
            to: s.to.name.clone(),
            ride_minutes: s.ride_minutes,
            price: price(&s.price),
            next_departures: s
                .timetable
                .departures()
                .filter(|d| *d >= time)
                .take(NEXT_DEPARTURES)
                .collect(),
            first_departure: s.timetable.first,
        })
        .collect();

    DiscoverView {
        region_id: catalog.region.id.clone(),
        name: catalog.region.name.clone(),
        summary: catalog.region.summary.clone(),
        demo: catalog.region.demo,
        date: now.date().format("%Y-%m-%d").to_string(),
        season: season
            .map(|s| s.name.clone())
            .unwrap_or_else(|| Text::new("", "")),
        entry_price: catalog
            .entry_ticket()
            .map(|t| price(&t.price))
            .unwrap_or_default(),
        sights,
        lifts,
        hotels,
        shuttles,
    }
}

/// The region-local time for a UTC instant, from the offset in the catalog.
pub fn local_now(catalog: &Catalog, utc: chrono::DateTime<chrono::Utc>) -> NaiveDateTime {
    let offset = chrono::Duration::minutes(catalog.region.utc_offset_minutes.into());
    utc.naive_utc() + offset
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::tests::mini;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap()
    }

    #[test]
    fn prices_follow_the_season() {
        let c = mini();
        let summer = discover(&c, at(2026, 7, 1, 9, 0));
        assert_eq!(summer.entry_price, Fen::from_yuan(190));
        assert_eq!(summer.season.en, "Peak season");
        assert_eq!(summer.lifts[0].price, Fen::from_yuan(80));
        assert_eq!(summer.lifts[0].hours.0.to_string(), "07:00");
        let winter = discover(&c, at(2026, 12, 20, 9, 0));
        assert_eq!(winter.entry_price, Fen::from_yuan(150));
        assert_eq!(winter.lifts[0].hours.0.to_string(), "08:00");
    }

    #[test]
    fn hotels_show_the_cheapest_room() {
        let v = discover(&mini(), at(2026, 7, 1, 9, 0));
        assert_eq!(v.hotels[0].lowest_price, Fen::from_yuan(300));
        assert_eq!(v.hotels[0].room_types, 2);
    }

    #[test]
    fn shuttles_list_the_next_departures() {
        let c = mini();
        let v = discover(&c, at(2026, 7, 1, 9, 10));
        let next: Vec<String> = v.shuttles[0]
            .next_departures
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(next, ["09:30", "10:00", "10:30"]);
        let evening = discover(&c, at(2026, 7, 1, 16, 45));
        assert_eq!(evening.shuttles[0].next_departures.len(), 1);
        let night = discover(&c, at(2026, 7, 1, 20, 0));
        assert!(night.shuttles[0].next_departures.is_empty());
        assert_eq!(night.shuttles[0].first_departure.to_string(), "06:00");
    }

    #[test]
    fn sights_keep_elevation_hours_and_visit_time() {
        let v = discover(&mini(), at(2026, 7, 1, 9, 0));
        let hall = v.sights.iter().find(|s| s.id == "hall").unwrap();
        assert_eq!(hall.elevation_m, 800);
        assert_eq!(hall.visit_minutes, 45);
        assert_eq!(
            hall.hours.map(|h| h.1.to_string()).as_deref(),
            Some("17:00")
        );
        let top = v.sights.iter().find(|s| s.id == "top").unwrap();
        assert_eq!(top.hours, None);
    }

    #[test]
    fn local_time_uses_the_region_offset() {
        let c = mini();
        let utc = chrono::DateTime::parse_from_rfc3339("2026-07-01T23:30:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(local_now(&c, utc), at(2026, 7, 2, 7, 30));
    }
}
