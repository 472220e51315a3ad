//! The provider modules a combo order spans: *scenic* (entry slots, rides, rentals),
//! *hotel* (room type × night) and *transport* (shuttle departure × seats). Each sits
//! behind [`Provider`] and owns its own tables ([`crate::inventory`]); the booking saga
//! is the only code that spans them. A provider could equally be a remote system behind
//! an HTTP adapter; here all three are local, and [`Faults`] can make any of them fail at
//! any step so tests can show what the saga does then.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tongyou_core::api::{Fault, FaultStep, FaultTarget, Provider as Module};
use tongyou_core::booking::nights;
use tongyou_core::catalog::Catalog;
use tongyou_core::clock::ClockTime;
use tongyou_core::text::Text;

use crate::inventory::{self, Inventory, InventoryError, Want};
use crate::sqlite::SqliteStore;

/// One thing to hold, in a provider's own terms. Stored with the sub-order, so a
/// sub-order can be re-held elsewhere (a replacement hotel) or cancelled later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Item {
    Entry {
        slot_id: String,
        people: u32,
    },
    AddOn {
        product_id: String,
        people: u32,
    },
    Room {
        hotel_id: String,
        room_type_id: String,
        rooms: u32,
        nights: u8,
    },
    Seat {
        line_id: String,
        departure: ClockTime,
        seats: u32,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error("{} is sold out: {remaining} left", what.en)]
    SoldOut { what: Text, remaining: u32 },
    #[error("the {0:?} provider is not answering")]
    Unavailable(Module),
    #[error("the hold expired or was released")]
    HoldGone,
    #[error("the catalog has no {0}")]
    Unknown(String),
    #[error(transparent)]
    Inventory(InventoryError),
}

pub trait Provider: Send + Sync {
    fn module(&self) -> Module;
    /// Holds every item until `expires_at` (RFC 3339 UTC), all or nothing.
    fn hold(
        &self,
        catalog: &Catalog,
        date: NaiveDate,
        items: &[Item],
        expires_at: &str,
    ) -> Result<i64, ProviderError>;
    /// Sells a live hold. Refused once the hold has expired.
    fn confirm(&self, hold: i64, now: &str) -> Result<(), ProviderError>;
    /// Gives a hold back; harmless when already released or expired.
    fn release(&self, hold: i64) -> Result<(), ProviderError>;
    /// Puts a sale back on sale (after a cancellation).
    fn cancel(&self, hold: i64) -> Result<(), ProviderError>;
    fn release_expired(&self, now: &str) -> Result<usize, ProviderError>;
    /// How many of `item` can still be held (the tightest of its resources).
    fn remaining(
        &self,
        catalog: &Catalog,
        date: NaiveDate,
        item: &Item,
    ) -> Result<u32, ProviderError>;
}

/// Switches that make a provider fail at a step (dev mode and tests only). Each switch
/// arms one failure: the next call of that step fails, later ones work again. That is how
/// a real outage of one call looks to the saga, and it lets a test see the recovery too
/// (a hotel that cannot confirm is replaced through the same hotel module).
#[derive(Debug, Default)]
pub struct Faults(Mutex<HashSet<Fault>>);

impl Faults {
    pub fn set(&self, fault: Fault) {
        self.lock().insert(fault);
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    /// Whether a failure is armed for this step, disarming it.
    pub fn take(&self, target: FaultTarget, step: FaultStep) -> bool {
        self.lock().remove(&Fault { target, step })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashSet<Fault>> {
        // A panic elsewhere cannot leave a set of switches half-changed.
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Turns catalog items into the resources a module stocks, with what to call them.
type Stocking = fn(&Catalog, NaiveDate, &Item) -> Result<Vec<(Want, Text)>, ProviderError>;

/// A provider module served from this platform's own database.
pub struct LocalProvider {
    module: Module,
    inventory: Inventory,
    stocking: Stocking,
    store: Arc<SqliteStore>,
    faults: Arc<Faults>,
}

impl LocalProvider {
    pub fn new(module: Module, store: Arc<SqliteStore>, faults: Arc<Faults>) -> LocalProvider {
        let stocking: Stocking = match module {
            Module::Scenic => scenic_stock,
            Module::Hotel => hotel_stock,
            Module::Transport => transport_stock,
        };
        LocalProvider {
            module,
            inventory: inventory::of(module),
            stocking,
            store,
            faults,
        }
    }

    fn check(&self, step: FaultStep) -> Result<(), ProviderError> {
        let target = match self.module {
            Module::Scenic => FaultTarget::Scenic,
            Module::Hotel => FaultTarget::Hotel,
            Module::Transport => FaultTarget::Transport,
        };
        if self.faults.take(target, step) {
            Err(ProviderError::Unavailable(self.module))
        } else {
            Ok(())
        }
    }

    fn wants(
        &self,
        catalog: &Catalog,
        date: NaiveDate,
        items: &[Item],
    ) -> Result<Vec<(Want, Text)>, ProviderError> {
        let mut all = Vec::new();
        for item in items {
            all.extend((self.stocking)(catalog, date, item)?);
        }
        Ok(all)
    }
}

impl Provider for LocalProvider {
    fn module(&self) -> Module {
        self.module
    }

    fn hold(
        &self,
        catalog: &Catalog,
        date: NaiveDate,
        items: &[Item],
        expires_at: &str,
    ) -> Result<i64, ProviderError> {
        self.check(FaultStep::Hold)?;
        let wants = self.wants(catalog, date, items)?;
        let plain: Vec<Want> = wants.iter().map(|(w, _)| w.clone()).collect();
        self.inventory
            .hold(&self.store, &plain, expires_at)
            .map_err(|e| match e {
                InventoryError::SoldOut {
                    resource,
                    remaining,
                } => {
                    let what = wants
                        .iter()
                        .find(|(w, _)| w.resource == resource)
                        .map(|(_, name)| name.clone())
                        .unwrap_or_else(|| Text::new(resource.clone(), resource));
                    ProviderError::SoldOut { what, remaining }
                }
                other => ProviderError::Inventory(other),
            })
    }

    fn confirm(&self, hold: i64, now: &str) -> Result<(), ProviderError> {
        self.check(FaultStep::Confirm)?;
        self.inventory
            .confirm(&self.store, hold, now)
            .map_err(settled)
    }

    fn release(&self, hold: i64) -> Result<(), ProviderError> {
        self.check(FaultStep::Release)?;
        self.inventory.release(&self.store, hold).map_err(settled)
    }

    fn cancel(&self, hold: i64) -> Result<(), ProviderError> {
        self.check(FaultStep::Release)?;
        self.inventory.cancel(&self.store, hold).map_err(settled)
    }

    fn release_expired(&self, now: &str) -> Result<usize, ProviderError> {
        self.inventory
            .release_expired(&self.store, now)
            .map_err(settled)
    }

    fn remaining(
        &self,
        catalog: &Catalog,
        date: NaiveDate,
        item: &Item,
    ) -> Result<u32, ProviderError> {
        let mut least = u32::MAX;
        for (want, _) in (self.stocking)(catalog, date, item)? {
            let left = match self
                .inventory
                .stock(&self.store, &want.resource)
                .map_err(settled)?
            {
                Some(stock) => stock.remaining(),
                None => want.capacity,
            };
            least = least.min(left);
        }
        Ok(least)
    }
}

fn settled(e: InventoryError) -> ProviderError {
    match e {
        InventoryError::HoldGone(_) | InventoryError::UnknownHold(_) => ProviderError::HoldGone,
        other => ProviderError::Inventory(other),
    }
}

fn scenic_stock(
    catalog: &Catalog,
    date: NaiveDate,
    item: &Item,
) -> Result<Vec<(Want, Text)>, ProviderError> {
    let region = &catalog.region.id;
    Ok(match item {
        Item::Entry { slot_id, people } => {
            let slot = catalog
                .slots
                .iter()
                .find(|s| &s.id == slot_id)
                .ok_or_else(|| ProviderError::Unknown(format!("slot {slot_id}")))?;
            let name = Text::new(
                format!("{date} {}–{} 入园时段", slot.start, slot.end),
                format!("the {date} {}–{} entry slot", slot.start, slot.end),
            );
            vec![(
                Want {
                    resource: format!("{region}/{date}/slot/{slot_id}"),
                    capacity: slot.quota,
                    quantity: *people,
                },
                name,
            )]
        }
        Item::AddOn { product_id, people } => {
            let (name, limit) =
                if let Some(c) = catalog.cable_cars.iter().find(|c| &c.id == product_id) {
                    (&c.name, c.daily_capacity)
                } else if let Some(t) = catalog.tickets.iter().find(|t| &t.id == product_id) {
                    (&t.name, t.daily_stock)
                } else {
                    return Err(ProviderError::Unknown(format!("product {product_id}")));
                };
            limit
                .map(|capacity| {
                    (
                        Want {
                            resource: format!("{region}/{date}/addon/{product_id}"),
                            capacity,
                            quantity: *people,
                        },
                        Text::new(
                            format!("{date} {}", name.zh),
                            format!("{} on {date}", name.en),
                        ),
                    )
                })
                .into_iter()
                .collect()
        }
        other => return Err(ProviderError::Unknown(format!("scenic item {other:?}"))),
    })
}

fn hotel_stock(
    catalog: &Catalog,
    date: NaiveDate,
    item: &Item,
) -> Result<Vec<(Want, Text)>, ProviderError> {
    let Item::Room {
        hotel_id,
        room_type_id,
        rooms,
        nights: count,
    } = item
    else {
        return Err(ProviderError::Unknown(format!("hotel item {item:?}")));
    };
    let hotel = catalog
        .hotels
        .iter()
        .find(|h| &h.id == hotel_id)
        .ok_or_else(|| ProviderError::Unknown(format!("hotel {hotel_id}")))?;
    let room = hotel
        .room_types
        .iter()
        .find(|r| &r.id == room_type_id)
        .ok_or_else(|| ProviderError::Unknown(format!("room type {room_type_id}")))?;
    Ok(nights(date, *count)
        .into_iter()
        .map(|night| {
            (
                Want {
                    resource: format!("{}/{hotel_id}/{room_type_id}/{night}", catalog.region.id),
                    capacity: room.rooms,
                    quantity: *rooms,
                },
                Text::new(
                    format!("{}{} {night}晚", hotel.name.zh, room.name.zh),
                    format!("{} {} on the night of {night}", hotel.name.en, room.name.en),
                ),
            )
        })
        .collect())
}

fn transport_stock(
    catalog: &Catalog,
    date: NaiveDate,
    item: &Item,
) -> Result<Vec<(Want, Text)>, ProviderError> {
    let Item::Seat {
        line_id,
        departure,
        seats,
    } = item
    else {
        return Err(ProviderError::Unknown(format!("transport item {item:?}")));
    };
    let line = catalog
        .shuttles
        .iter()
        .find(|s| &s.id == line_id)
        .ok_or_else(|| ProviderError::Unknown(format!("shuttle {line_id}")))?;
    Ok(vec![(
        Want {
            resource: format!("{}/{line_id}/{date}/{departure}", catalog.region.id),
            capacity: line.seats,
            quantity: *seats,
        },
        Text::new(
            format!("{date} {departure} {}", line.name.zh),
            format!("the {date} {departure} {}", line.name.en),
        ),
    )])
}
