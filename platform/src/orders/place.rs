//! Placing an order: everything that only reads worked out first on a read connection
//! (the party, the price, the sub-orders, the order's id and its passes, signed ahead),
//! then one unit that claims the key, holds, records, charges and, once paid, confirms.

use super::*;

/// What an order request comes to before anything is written: worked out on a read
/// connection, so that the store's one writer does not wait for it.
pub(super) enum Ahead {
    /// The key already made an order: answer with it.
    Replay(Box<StoredOrder>),
    Fresh(Box<Prepared>),
}

/// A new order, ready to be written: priced, split into sub-orders, and with the passes
/// each sub-order issues once it confirms already signed.
pub(super) struct Prepared {
    order_id: i64,
    catalog: Arc<Catalog>,
    /// The visit date as asked for, and parsed.
    day: String,
    date: NaiveDate,
    now: DateTime<Utc>,
    total: Fen,
    subs: Vec<PreparedSub>,
    /// By sub-order, in `subs` order.
    passes: Vec<Vec<PassRow>>,
    quote_json: String,
    travellers_json: String,
    /// The combo as asked for, kept with the order.
    combo_json: String,
}

/// What the unit placing an order wrote.
pub(super) enum Written {
    /// Confirmed whole: the order as stored, known without reading it back.
    Whole(Box<StoredOrder>),
    /// Anything else (refused, declined, waiting for the cashier, partly confirmed, or
    /// placed by an earlier request with the key): read it back.
    Elsewhere(i64),
}

impl Written {
    fn id(&self) -> i64 {
        match self {
            Written::Whole(order) => order.id(),
            Written::Elsewhere(id) => *id,
        }
    }
}

/// A sub-order ready to be held and written, its JSON made ahead.
pub(super) struct PreparedSub {
    module: Module,
    items: Vec<Item>,
    items_json: String,
    lines_json: String,
    amount: i64,
}

/// What to issue for one item: product id, its name, the time window, and the holders
/// (`None`: one pass for the whole party).
pub(super) type PassPlan<'a> = (
    String,
    Text,
    Option<(ClockTime, ClockTime)>,
    Vec<Option<&'a Member>>,
);

pub(super) fn hold_problem(module: Module, e: &ProviderError) -> Text {
    match e {
        ProviderError::SoldOut { what, remaining } => Text::new(
            format!(
                "{}只剩{remaining}个名额，订单未成立，没有扣款。请换个时段、日期，或减少人数后再试。",
                what.zh
            ),
            format!(
                "Only {remaining} left for {}; nothing was booked or charged. Choose another slot or date, or fewer people.",
                what.en
            ),
        ),
        _ => Text::new(
            format!(
                "{}系统暂时没有响应，订单未成立，没有扣款。请稍后再试。",
                module_name(module).zh
            ),
            format!(
                "The {} system is not answering; nothing was booked or charged. Please try again shortly.",
                module_name(module).en
            ),
        ),
    }
}

/// `张三` → `张*`; `Li Lei` → `L*****`.
pub(super) fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    let first = chars.next().map(String::from).unwrap_or_default();
    first + &"*".repeat(chars.count().max(1))
}

/// What each provider module holds of a combo for `people`, with the quote lines it
/// covers, in `Module::ALL` order (modules with nothing to hold left out).
pub(super) fn modules_of(
    combo: &tongyou_core::api::Combo,
    people: u32,
    quote: &tongyou_core::api::Quote,
) -> Vec<(Module, Vec<Item>, Vec<QuoteLine>)> {
    let mut subs: Vec<(Module, Vec<Item>, Vec<QuoteLine>)> = Vec::new();
    let mut scenic = Vec::new();
    if let Some(slot_id) = &combo.slot_id {
        scenic.push(Item::Entry {
            slot_id: slot_id.clone(),
            people,
        });
    }
    for id in &combo.add_ons {
        scenic.push(Item::AddOn {
            product_id: id.clone(),
            people,
        });
    }
    let lines_of = |kinds: &[ProductKind]| -> Vec<QuoteLine> {
        quote
            .lines
            .iter()
            .filter(|l| kinds.contains(&l.kind))
            .cloned()
            .collect()
    };
    if !scenic.is_empty() {
        subs.push((
            Module::Scenic,
            scenic,
            lines_of(&[ProductKind::Ticket, ProductKind::Lift]),
        ));
    }
    if let Some(stay) = &combo.hotel {
        let item = Item::Room {
            hotel_id: stay.hotel_id.clone(),
            room_type_id: stay.room_type_id.clone(),
            rooms: u32::from(stay.rooms),
            nights: stay.nights,
        };
        subs.push((Module::Hotel, vec![item], lines_of(&[ProductKind::Hotel])));
    }
    if !combo.shuttles.is_empty() {
        let seats = combo
            .shuttles
            .iter()
            .map(|s| Item::Seat {
                line_id: s.line_id.clone(),
                departure: s.departure,
                seats: people,
            })
            .collect();
        subs.push((Module::Transport, seats, lines_of(&[ProductKind::Shuttle])));
    }
    subs
}

impl Booking {
    /// `POST /orders`: runs the saga as far as it can go now and answers with the order.
    ///
    /// Everything that only reads (the travellers, the price, the sub-orders, signing the
    /// passes the order will issue) is done first on a read connection. Then one unit on
    /// the store checks the key again, holds, records the order, takes the payment,
    /// confirms and binds the key to the order: all of it is kept or none, and the writer
    /// is held only for the writes.
    pub fn place(
        &self,
        account: i64,
        key: Option<&str>,
        request: &OrderRequest,
    ) -> Result<Order, BookingError> {
        let key = format!("order:{}", required(key)?);
        let hash = hex::encode(Sha256::digest(serde_json::to_vec(request)?));
        let ahead =
            self.store.reading(
                || match records::lookup(&self.store, account, &key, &hash)? {
                    Begin::Replay(order_id) => Ok(Ahead::Replay(Box::new(
                        self.stored_order(account, order_id)?,
                    ))),
                    Begin::Mismatch => Err(BookingError::KeyReused),
                    Begin::InProgress => Err(BookingError::InProgress),
                    Begin::Fresh => Ok(Ahead::Fresh(Box::new(self.prepare(account, request)?))),
                },
            )?;
        let prepared = match ahead {
            Ahead::Replay(order) => return order.into_order(),
            Ahead::Fresh(prepared) => prepared,
        };
        let written = self.store.atomically(|| {
            // Asked again: a request with the same key may have been placed meanwhile.
            match records::lookup(&self.store, account, &key, &hash)? {
                Begin::Replay(order_id) => return Ok(Written::Elsewhere(order_id)),
                Begin::Mismatch => return Err(BookingError::KeyReused),
                Begin::InProgress => return Err(BookingError::InProgress),
                Begin::Fresh => {}
            }
            // A failure rolls the unit back and leaves the key free for the corrected request.
            let now = fmt(prepared.now);
            let written = self.run(account, request.payment, *prepared)?;
            records::bind(&self.store, account, &key, &hash, written.id(), &now)?;
            Ok(written)
        })?;
        self.send_refunds(false);
        match written {
            Written::Whole(order) => order.into_order(),
            // Should this read fail, the order is kept all the same, and the same key
            // answers with it.
            Written::Elsewhere(order_id) => self
                .store
                .reading(|| self.stored_order(account, order_id))?
                .into_order(),
        }
    }

    /// Reads and works out everything placing the order needs before it writes.
    pub(super) fn prepare(
        &self,
        account: i64,
        request: &OrderRequest,
    ) -> Result<Prepared, BookingError> {
        let combo = &request.combo;
        let catalog = self
            .catalog(&combo.region_id)
            .ok_or_else(|| invalid("combo.region_id", "没有这个景区", "There is no such region"))?;
        let members = self.members(account, request)?;
        let party: Vec<pricing::Traveller> =
            members.iter().map(super::rebook::party_member).collect();
        let now = (self.clock)();
        let quote =
            quote(&catalog, combo, &party, local(&catalog, now)).map_err(BookingError::Invalid)?;
        let date: NaiveDate = combo
            .date
            .parse()
            .map_err(|_| invalid("date", "日期无效", "Invalid date"))?;
        let people = u32::try_from(members.len()).unwrap_or(u32::MAX);

        let subs = modules_of(combo, people, &quote);

        let order_id = self.next_order_id()?;
        let scope = PassScope {
            order_id,
            day: &combo.date,
            date,
            catalog: &catalog,
            members: &members,
        };
        let passes = subs
            .iter()
            .enumerate()
            .map(|(index, (_, items, _))| self.passes_for(&scope, items, index))
            .collect::<Result<Vec<_>, _>>()?;
        let subs = subs
            .into_iter()
            .map(|(module, items, lines)| {
                Ok(PreparedSub {
                    module,
                    items_json: serde_json::to_string(&items)?,
                    lines_json: serde_json::to_string(&lines)?,
                    amount: lines.iter().map(|l| l.pay.0).sum(),
                    items,
                })
            })
            .collect::<Result<Vec<_>, BookingError>>()?;
        Ok(Prepared {
            order_id,
            day: combo.date.clone(),
            date,
            now,
            total: quote.total,
            subs,
            passes,
            quote_json: serde_json::to_string(&quote)?,
            travellers_json: serde_json::to_string(&members)?,
            combo_json: serde_json::to_string(combo)?,
            catalog,
        })
    }

    /// An id for a new order: one more than any order stored or handed out before.
    pub(super) fn next_order_id(&self) -> Result<i64, BookingError> {
        let mut last = self
            .last_order_id
            .lock()
            .map_err(|_| StoreError::Poisoned)?;
        let id = match *last {
            Some(id) => id + 1,
            // The platform is the store's only writer, and every order gets its id here.
            None => records::last_order_id(&self.store)? + 1,
        };
        *last = Some(id);
        Ok(id)
    }

    /// The saga, within the unit that writes the order: holds, the order's record, the
    /// payment as the pivot and, once paid, the confirmations with their passes.
    pub(super) fn run(
        &self,
        account: i64,
        method: PaymentMethod,
        prepared: Prepared,
    ) -> Result<Written, BookingError> {
        let Prepared {
            order_id,
            catalog,
            day,
            date,
            now,
            total,
            subs,
            passes,
            quote_json,
            travellers_json,
            combo_json,
        } = prepared;
        let now_s = fmt(now);
        let expires = fmt(now + HOLD_FOR);
        let payment_id = self.payments.create(account, method, total, &now_s)?;

        // Hold everything, or nothing: the first refusal gives back the holds taken. The
        // order is recorded with the outcome (it shares this unit with the holds).
        let mut holds: Vec<i64> = Vec::new();
        let mut refused = None;
        for sub in &subs {
            match self
                .provider(sub.module)
                .hold(&catalog, date, &sub.items, &expires)
            {
                Ok(hold) => holds.push(hold),
                Err(e) => {
                    refused = Some(hold_problem(sub.module, &e));
                    break;
                }
            }
        }
        if refused.is_some() {
            for (hold, sub) in holds.iter().zip(&subs) {
                self.release_quietly(order_id, sub.module, Some(*hold));
            }
        }
        let new_subs: Vec<NewSub> = subs
            .into_iter()
            .enumerate()
            .map(|(i, sub)| {
                let (state, hold) = match (&refused, holds.get(i)) {
                    (None, hold) => ("held", hold.copied()),
                    (Some(_), None) if i == holds.len() => ("failed", None),
                    (Some(_), _) => ("released", None),
                };
                NewSub {
                    module: sub.module,
                    items_json: sub.items_json,
                    lines_json: sub.lines_json,
                    amount: sub.amount,
                    state,
                    hold,
                }
            })
            .collect();
        let row = OrderRow {
            id: order_id,
            account_id: account,
            region_id: catalog.region.id.clone(),
            date: day,
            state: if refused.is_some() {
                "failed"
            } else {
                "holding"
            }
            .into(),
            created_at: now_s,
            holds_expire_at: expires,
            quote_json,
            travellers_json,
            payment_id: payment_id.clone(),
            problem_json: refused.as_ref().map(serde_json::to_string).transpose()?,
            combo_json: Some(combo_json),
        };
        let subs = records::create_order(&self.store, &row, new_subs)?;
        if refused.is_some() {
            self.payments.abandon(&payment_id)?;
            return Ok(Written::Elsewhere(order_id));
        }

        match self.payments.charge(&payment_id)? {
            Charge::Paid => {
                if let Some(passes) = self.confirm_all(&row, &subs, "holding", Some(passes))? {
                    let payment = self.payments.payment(&payment_id)?;
                    return Ok(Written::Whole(Box::new(StoredOrder::confirmed(
                        row, subs, payment, passes,
                    ))));
                }
            }
            Charge::Declined(reason) => {
                let problem = Text::new(
                    format!(
                        "{}。订单未成立，所有预留已释放，没有扣款。请换一种支付方式再试。",
                        reason.zh
                    ),
                    format!(
                        "{}. Nothing was booked or charged and every hold was released. Try another payment method.",
                        reason.en
                    ),
                );
                self.abort(order_id, "failed", &problem)?;
            }
            Charge::Redirect => {
                records::transition(
                    &self.store,
                    order_id,
                    &["holding"],
                    "awaiting_payment",
                    None,
                )?;
            }
        }
        Ok(Written::Elsewhere(order_id))
    }

    /// Signs the passes of a confirmed sub-order: one real-name pass per traveller for entry,
    /// one for the whole party per ride, rental or shuttle departure.
    ///
    /// The passes' sub-order is left for whoever stores them to fill in.
    pub(super) fn passes_for(
        &self,
        scope: &PassScope<'_>,
        items: &[Item],
        index: usize,
    ) -> Result<Vec<PassRow>, BookingError> {
        let PassScope {
            order_id,
            day,
            date,
            catalog,
            members,
        } = *scope;
        let offset = Duration::minutes(i64::from(catalog.region.utc_offset_minutes));
        let from = (date.and_time(chrono::NaiveTime::MIN) - offset)
            .and_utc()
            .timestamp();
        let category = |m: &Member| match age_on(m.birth_date, date).unwrap_or(0) {
            0..18 => Party {
                adults: 0,
                children: 1,
                seniors: 0,
            },
            18..60 => Party {
                adults: 1,
                children: 0,
                seniors: 0,
            },
            _ => Party {
                adults: 0,
                children: 0,
                seniors: 1,
            },
        };
        let whole = members.iter().fold(Party::default(), |p, m| {
            let c = category(m);
            Party {
                adults: p.adults + c.adults,
                children: p.children + c.children,
                seniors: p.seniors + c.seniors,
            }
        });
        let mut issued = Vec::new();
        for item in items {
            let (product, name, slot, holders): PassPlan<'_> = match item {
                Item::Entry { slot_id, .. } => {
                    let slot = catalog
                        .slots
                        .iter()
                        .find(|s| &s.id == slot_id)
                        .map(|s| (s.start, s.end));
                    let entry = catalog
                        .entry_ticket()
                        .map(|t| (t.id.clone(), t.name.clone()));
                    let Some((id, name)) = entry else { continue };
                    (id, name, slot, members.iter().map(Some).collect())
                }
                Item::AddOn { product_id, .. } => {
                    let name = catalog
                        .cable_cars
                        .iter()
                        .find(|c| &c.id == product_id)
                        .map(|c| c.name.clone())
                        .or_else(|| {
                            catalog
                                .tickets
                                .iter()
                                .find(|t| &t.id == product_id)
                                .map(|t| t.name.clone())
                        });
                    let Some(name) = name else { continue };
                    (product_id.clone(), name, None, vec![None])
                }
                Item::Seat {
                    line_id, departure, ..
                } => {
                    let Some(line) = catalog.shuttles.iter().find(|s| &s.id == line_id) else {
                        continue;
                    };
                    let slot = departure
                        .plus(line.ride_minutes)
                        .map(|end| (*departure, end));
                    (line_id.clone(), line.name.clone(), slot, vec![None])
                }
                Item::Room { .. } => continue,
            };
            for holder in holders {
                // Time-ordered, so that new passes go to the end of the pass table's
                // index instead of to a random page of it.
                let pass_id = *uuid::Uuid::now_v7().as_bytes();
                let pass = Pass {
                    key_id: 0,
                    pass_id,
                    order_id: u64::try_from(order_id).unwrap_or_default(),
                    sub_order: u16::try_from(index).unwrap_or(u16::MAX),
                    product: product.clone(),
                    site: catalog.region.id.clone(),
                    gates: Vec::new(),
                    valid_from: from,
                    valid_until: from + 86_400,
                    slot,
                    party: holder.map_or(whole, category),
                    holder_hash: [0; 16],
                };
                let code = self.signer.sign(pass)?;
                issued.push(PassRow {
                    pass_id: hex::encode(pass_id),
                    sub_order_id: 0,
                    product_id: product.clone(),
                    name_json: serde_json::to_string(&name)?,
                    holder: holder.map(|m| m.holder.clone()),
                    date: day.to_owned(),
                    slot: slot.map(|(a, b)| format!("{a}-{b}")),
                    code,
                });
            }
        }
        Ok(issued)
    }

    pub(super) fn members(
        &self,
        account: i64,
        request: &OrderRequest,
    ) -> Result<Vec<Member>, BookingError> {
        let ids: Vec<i64> = request.travellers.iter().map(|t| t.traveller_id).collect();
        let saved = self.accounts.travellers(account)?;
        let found = ids.iter().map(|id| saved.iter().find(|t| t.id == *id));
        let mut problems = Vec::new();
        let mut members = Vec::new();
        for (i, (wanted, found)) in request.travellers.iter().zip(found).enumerate() {
            if ids[..i].contains(&wanted.traveller_id) {
                problems.push(FieldError::new(
                    &format!("travellers[{i}]"),
                    "同一位旅客选了两次",
                    "This traveller is chosen twice",
                ));
                continue;
            }
            let Some(real) = found else {
                problems.push(FieldError::new(
                    &format!("travellers[{i}]"),
                    "常用旅客中没有这位旅客",
                    "This traveller is not among your saved travellers",
                ));
                continue;
            };
            let Ok(birth_date) = real.birth_date.parse() else {
                problems.push(FieldError::new(
                    &format!("travellers[{i}]"),
                    "出生日期无效",
                    "Invalid birth date",
                ));
                continue;
            };
            members.push(Member {
                traveller_id: wanted.traveller_id,
                holder: mask_name(&real.name),
                birth_date,
                student: wanted.student,
            });
        }
        if problems.is_empty() {
            Ok(members)
        } else {
            Err(BookingError::Invalid(problems))
        }
    }
}
