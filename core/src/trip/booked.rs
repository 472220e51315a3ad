//! What each order of a trip booked, found in the catalog, and how each thing stands:
//! its sub-order, its passes and the status that follows from them.

use chrono::{NaiveDate, NaiveDateTime};

use crate::api::{
    Combo, HotelStay, IssuedPass, ItemKind, ItemStatus, Order, OrderState, PassState, Provider,
    ShuttleSeat, SubOrder, SubOrderState, TimelineItem,
};
use crate::catalog::{
    CableCar, Catalog, EntrySlot, Hotel, ProductKind, RoomType, ShuttleLine, TicketKind,
    TicketProduct,
};
use crate::clock::{ClockTime, parse_date};
use crate::text::Text;

/// One thing an order booked, found in the catalog. What the catalog no longer knows is
/// left off the timeline (the order page still lists it).
pub(super) enum Booked<'c> {
    Entry(&'c EntrySlot),
    Ride(&'c CableCar),
    Rental(&'c TicketProduct),
    Shuttle {
        line: &'c ShuttleLine,
        departure: ClockTime,
        /// 1 for the order's first seat on this line, 2 for a second…
        nth: usize,
    },
    Stay {
        hotel: &'c Hotel,
        room: Option<&'c RoomType>,
        rooms: u8,
        nights: u8,
    },
}

pub(super) struct Booking<'o, 'c> {
    pub order: &'o Order,
    pub date: NaiveDate,
    pub what: Booked<'c>,
    pub standing: Standing<'o>,
}

/// How a booked thing stands: its sub-order, status and passes.
pub(super) struct Standing<'o> {
    pub sub: Option<&'o SubOrder>,
    pub status: ItemStatus,
    pub passes: Vec<&'o IssuedPass>,
}

impl Booking<'_, '_> {
    pub fn id(&self, what: &str) -> String {
        match self.standing.sub {
            Some(sub) => format!("{}-{}-{what}", self.order.id, sub.id),
            None => format!("{}-x-{what}", self.order.id),
        }
    }

    pub fn on(&self) -> bool {
        self.standing.status.is_on()
    }

    pub fn item(
        &self,
        what: &str,
        kind: ItemKind,
        title: Text,
        start: NaiveDateTime,
    ) -> TimelineItem {
        TimelineItem {
            id: self.id(what),
            order_id: self.order.id,
            sub_order_id: self.standing.sub.map(|s| s.id),
            kind,
            title,
            start,
            end: None,
            estimated: false,
            place: Text::default(),
            location: None,
            elevation_m: None,
            guide_place: None,
            status: self.standing.status,
            passes: self
                .standing
                .passes
                .iter()
                .map(|p| p.pass_id.clone())
                .collect(),
            what_to_bring: Vec::new(),
            note: self.standing.sub.and_then(|s| s.note.clone()),
        }
    }
}

/// What an order booked, resolved against the catalog, with how each thing stands.
pub(super) fn bookings<'o, 'c>(order: &'o Order, catalog: &'c Catalog) -> Vec<Booking<'o, 'c>> {
    let combo = booked_combo(order, catalog);
    let Some(date) = parse_date(&combo.date).or_else(|| parse_date(&order.date)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut push = |what: Booked<'c>, standing: Standing<'o>| {
        out.push(Booking {
            order,
            date,
            what,
            standing,
        });
    };
    let slot = combo
        .slot_id
        .as_ref()
        .and_then(|id| catalog.slots.iter().find(|s| &s.id == id));
    if let (Some(slot), Some(entry)) = (slot, catalog.entry_ticket()) {
        let standing = standing(order, Provider::Scenic, &entry.id, Some(&entry.id), None);
        push(Booked::Entry(slot), standing);
    }
    for id in &combo.add_ons {
        let standing = || standing(order, Provider::Scenic, id, Some(id), None);
        if let Some(lift) = catalog.cable_cars.iter().find(|c| &c.id == id) {
            push(Booked::Ride(lift), standing());
        } else if let Some(product) = catalog
            .tickets
            .iter()
            .find(|t| &t.id == id && t.kind != TicketKind::Entry)
        {
            push(Booked::Rental(product), standing());
        }
    }
    for (i, seat) in combo.shuttles.iter().enumerate() {
        let Some(line) = catalog.shuttles.iter().find(|s| s.id == seat.line_id) else {
            continue;
        };
        let nth = 1 + combo.shuttles[..i]
            .iter()
            .filter(|s| s.line_id == seat.line_id)
            .count();
        let product = format!("{}@{}", line.id, seat.departure);
        let standing = standing(
            order,
            Provider::Transport,
            &product,
            Some(&line.id),
            Some(seat.departure),
        );
        push(
            Booked::Shuttle {
                line,
                departure: seat.departure,
                nth,
            },
            standing,
        );
    }
    if let Some(stay) = &combo.hotel
        && let Some((hotel, room)) = stayed_at(order, stay, catalog)
    {
        let product = format!("{}/{}", stay.hotel_id, stay.room_type_id);
        let line = hotel_line(order).unwrap_or(product);
        push(
            Booked::Stay {
                hotel,
                room,
                rooms: stay.rooms,
                nights: stay.nights,
            },
            standing(order, Provider::Hotel, &line, None, None),
        );
    }
    out
}

/// What the order booked, as asked. Orders from before the combo was kept on them get
/// one rebuilt from their lines and passes: the slot from an entry pass, rides, rentals
/// and shuttle seats from their lines; not the hotel stay, whose nights the lines do not
/// say.
fn booked_combo(order: &Order, catalog: &Catalog) -> Combo {
    if let Some(combo) = &order.combo {
        return combo.clone();
    }
    let entry_id = catalog.entry_ticket().map(|t| t.id.as_str());
    let slot_id = order
        .passes
        .iter()
        .filter(|p| Some(p.product_id.as_str()) == entry_id)
        .find_map(|p| p.slot)
        .and_then(|(start, end)| {
            catalog
                .slots
                .iter()
                .find(|s| s.start == start && s.end == end)
        })
        .map(|s| s.id.clone());
    let mut add_ons: Vec<String> = Vec::new();
    let mut shuttles = Vec::new();
    for line in &order.quote.lines {
        match line.kind {
            ProductKind::Lift | ProductKind::Ticket
                if Some(line.product_id.as_str()) != entry_id
                    && !add_ons.contains(&line.product_id) =>
            {
                add_ons.push(line.product_id.clone());
            }
            ProductKind::Shuttle => {
                let seat = line.product_id.split_once('@').and_then(|(id, at)| {
                    Some(ShuttleSeat {
                        line_id: id.to_owned(),
                        departure: at.parse().ok()?,
                    })
                });
                shuttles.extend(seat);
            }
            _ => {}
        }
    }
    Combo {
        region_id: order.region_id.clone(),
        date: order.date.clone(),
        slot_id,
        add_ons,
        hotel: None,
        shuttles,
    }
}

/// The `hotel/room` product of the order's hotel sub-order, if it lists one (the newest:
/// a re-booked stay's).
fn hotel_line(order: &Order) -> Option<String> {
    order
        .sub_orders
        .iter()
        .rev()
        .filter(|s| s.provider == Provider::Hotel)
        .flat_map(|s| &s.lines)
        .find(|l| l.kind == ProductKind::Hotel)
        .map(|l| l.product_id.clone())
}

/// The hotel and room of a stay. The hotel sub-order's line wins over the combo, so a
/// replacement hotel shows as soon as the platform writes it there.
fn stayed_at<'c>(
    order: &Order,
    stay: &HotelStay,
    catalog: &'c Catalog,
) -> Option<(&'c Hotel, Option<&'c RoomType>)> {
    let line = hotel_line(order);
    let (hotel_id, room_id) = line
        .as_deref()
        .and_then(|p| p.split_once('/'))
        .filter(|(h, _)| catalog.hotels.iter().any(|x| x.id == *h))
        .unwrap_or((&stay.hotel_id, &stay.room_type_id));
    let hotel = catalog.hotels.iter().find(|h| h.id == hotel_id)?;
    let room = hotel.room_types.iter().find(|r| r.id == room_id);
    Some((hotel, room))
}

/// The sub-order covering a product (its line, else the provider's sub-order; the newest,
/// which is the re-booked one after a disruption), its passes (`pass_product`; a
/// shuttle's by departure) and the status that follows.
fn standing<'o>(
    order: &'o Order,
    provider: Provider,
    line_product: &str,
    pass_product: Option<&str>,
    departure: Option<ClockTime>,
) -> Standing<'o> {
    let sub = order
        .sub_orders
        .iter()
        .rev()
        .find(|s| s.lines.iter().any(|l| l.product_id == line_product))
        .or_else(|| {
            order
                .sub_orders
                .iter()
                .rev()
                .find(|s| s.provider == provider)
        });
    let passes: Vec<&IssuedPass> = match pass_product {
        Some(product) => order
            .passes
            .iter()
            .filter(|p| p.product_id == product && p.state != PassState::Revoked)
            .filter(|p| sub.is_none_or(|s| p.sub_order_id == s.id))
            .filter(|p| departure.is_none_or(|d| p.slot.is_none_or(|(from, _)| from == d)))
            .collect(),
        None => Vec::new(),
    };
    let status = status(order.state, sub.map(|s| s.state), &passes);
    Standing {
        sub,
        status,
        passes,
    }
}

/// An item's status: the order's end states first, then its sub-order's state, then
/// `Used` once any of its passes has been through a gate (someone of the party has).
fn status(order: OrderState, sub: Option<SubOrderState>, passes: &[&IssuedPass]) -> ItemStatus {
    let booked = match (order, sub) {
        (OrderState::Cancelled, _) => ItemStatus::Cancelled,
        (OrderState::Failed | OrderState::Expired, _) => ItemStatus::Failed,
        (_, Some(SubOrderState::Held)) => ItemStatus::Held,
        (_, Some(SubOrderState::Confirmed)) => ItemStatus::Confirmed,
        (_, Some(SubOrderState::Adjusted)) => ItemStatus::Adjusted,
        (_, Some(SubOrderState::Released | SubOrderState::Failed)) => ItemStatus::Failed,
        (_, Some(SubOrderState::Cancelled)) => ItemStatus::Cancelled,
        (OrderState::AwaitingPayment, None) => ItemStatus::Held,
        (OrderState::Confirmed | OrderState::PartlyConfirmed, None) => ItemStatus::Confirmed,
    };
    let used = passes.iter().any(|p| p.state == PassState::Used);
    match booked {
        ItemStatus::Confirmed | ItemStatus::Adjusted if used => ItemStatus::Used,
        other => other,
    }
}
