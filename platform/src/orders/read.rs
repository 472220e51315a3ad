//! Reading orders and places: an account's orders, its export and deletion, what is held,
//! the availability of a day and the vacancy the planner sees.

use super::*;

impl Booking {
    pub fn order(&self, account: i64, order_id: i64) -> Result<Order, BookingError> {
        self.store
            .reading(|| self.stored_order(account, order_id))?
            .into_order()
    }

    /// What [`Booking::order`] reads, parsed only once the connection is given back.
    pub(super) fn stored_order(
        &self,
        account: i64,
        order_id: i64,
    ) -> Result<StoredOrder, BookingError> {
        let row = records::order_row(&self.store, order_id)?
            .filter(|r| r.account_id == account)
            .ok_or(BookingError::NotFound)?;
        let payment = self.payments.payment(&row.payment_id)?;
        records::stored(&self.store, row, payment)
    }

    /// The account's orders, newest first.
    pub fn orders(&self, account: i64) -> Result<Vec<Order>, BookingError> {
        // One read transaction for all the reads, parsed once the connection is given back.
        let stored = self.store.reading(|| {
            records::orders_of(&self.store, account)?
                .into_iter()
                .map(|id| self.stored_order(account, id))
                .collect::<Result<Vec<_>, BookingError>>()
        })?;
        stored.into_iter().map(StoredOrder::into_order).collect()
    }

    /// Everything the platform holds of the account, for its owner.
    pub fn export(&self, account: i64) -> Result<tongyou_core::api::AccountExport, BookingError> {
        let orders = self.orders(account)?;
        Ok(self.accounts.export(account, orders)?)
    }

    /// Deletes the account's personal data, in one unit: its orders stay for accounting
    /// but keep nothing personal beyond the masked holder names, and everything of the
    /// account itself goes. Refused while an order is still being paid, confirmed or
    /// cancelled, since those steps need it.
    pub fn delete_account(&self, account: i64) -> Result<(), BookingError> {
        self.store.atomically(|| {
            if records::in_flight(&self.store, account)? > 0 {
                return Err(BookingError::Conflict(
                    "an order of this account is still being paid, confirmed or cancelled; finish or cancel it first".into(),
                ));
            }
            records::scrub_orders(&self.store, account)?;
            Ok(self.accounts.delete_data(account)?)
        })
    }

    /// Places held right now, per module: zero once every hold is settled.
    pub fn held(&self) -> Result<Vec<(Module, u64)>, BookingError> {
        Module::ALL
            .into_iter()
            .map(|m| {
                let held = crate::inventory::of(m)
                    .total_held(&self.store)
                    .map_err(|e| store_of(ProviderError::Inventory(e)))?;
                Ok((m, held))
            })
            .collect()
    }

    /// Places left per entry slot on a date.
    pub fn availability(&self, region_id: &str, date: &str) -> Result<Availability, BookingError> {
        let catalog = self.catalog(region_id).ok_or(BookingError::NotFound)?;
        let day: NaiveDate = tongyou_core::clock::parse_date(date)
            .ok_or_else(|| invalid("date", "日期格式应为 YYYY-MM-DD", "Dates are YYYY-MM-DD"))?;
        let scenic = self.provider(Module::Scenic);
        let slots = catalog
            .slots
            .iter()
            .map(|s| {
                let item = Item::Entry {
                    slot_id: s.id.clone(),
                    people: 0,
                };
                Ok((
                    s.id.clone(),
                    scenic.remaining(&catalog, day, &item).map_err(store_of)?,
                ))
            })
            .collect::<Result<_, BookingError>>()?;
        Ok(Availability {
            date: date.to_owned(),
            slots,
        })
    }

    /// What is left to sell for a trip from `start` over `days`: entry places on the first
    /// day per slot, and summit rooms for each night, as the planner wants them.
    pub fn vacancy(
        &self,
        catalog: &Catalog,
        start: NaiveDate,
        days: u8,
    ) -> Result<tongyou_core::planner::Vacancy, BookingError> {
        let mut vacancy = tongyou_core::planner::Vacancy::default();
        let scenic = self.provider(Module::Scenic);
        for slot in &catalog.slots {
            let item = Item::Entry {
                slot_id: slot.id.clone(),
                people: 0,
            };
            let left = scenic.remaining(catalog, start, &item).map_err(store_of)?;
            vacancy.slots.insert((start, slot.id.clone()), left);
        }
        let hotels = self.provider(Module::Hotel);
        for night in (0..days.saturating_sub(1)).map(|i| start + Duration::days(i64::from(i))) {
            for hotel in &catalog.hotels {
                for room in &hotel.room_types {
                    let item = Item::Room {
                        hotel_id: hotel.id.clone(),
                        room_type_id: room.id.clone(),
                        rooms: 0,
                        nights: 1,
                    };
                    let left = hotels.remaining(catalog, night, &item).map_err(store_of)?;
                    vacancy
                        .rooms
                        .insert((night, hotel.id.clone(), room.id.clone()), left);
                }
            }
        }
        Ok(vacancy)
    }

    /// Entry tickets sold or held for a date, all slots together.
    pub fn entries_sold(&self, catalog: &Catalog, date: NaiveDate) -> Result<u32, BookingError> {
        let scenic = self.provider(Module::Scenic);
        let mut sold = 0;
        for slot in &catalog.slots {
            let item = Item::Entry {
                slot_id: slot.id.clone(),
                people: 0,
            };
            sold += slot.quota
                - scenic
                    .remaining(catalog, date, &item)
                    .map_err(store_of)?
                    .min(slot.quota);
        }
        Ok(sold)
    }
}
