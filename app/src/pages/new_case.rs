//! Registering a case: find or create the customer, then channel, subject, description, kind,
//! complexity and category (the last two detected automatically unless the agent sets them).

use domain::api::{CaseFilter, ComplaintAction, Customer, NewCase, NewCustomer, StatusFilter, TransitionRequest};
use domain::case::CATEGORIES;
use domain::{CaseKind, Channel, Complexity};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::leptos_dom::helpers::TimeoutHandle;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

use crate::api::{self, ApiError};
use crate::i18n::use_i18n;

#[component]
pub fn NewCasePage() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.get().t();
    let customer = RwSignal::new(None::<Customer>);
    let channel = RwSignal::new(Channel::Phone.as_str().to_string());
    let kind = RwSignal::new(CaseKind::Inquiry.as_str().to_string());
    let complexity = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    let subject = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let mine = RwSignal::new(false);
    // Whether the person registering may keep it (domain::assignment, the worker's own rule):
    // an agent keeps an inquiry or a follow-up, never a complaint.
    let session = crate::session::use_session();
    let may_keep = Memo::new(move |_| {
        let kind: CaseKind = kind.get().parse().unwrap_or(CaseKind::Inquiry);
        session.user.with(|u| {
            u.as_ref().is_some_and(|u| {
                let actor = domain::assignment::Actor { id: &u.id, role: u.role };
                let held = domain::assignment::Held { kind, assignee: None };
                domain::assignment::check(actor, held, domain::assignment::Move::Keep, &u.id, false).is_ok()
            })
        })
    });
    let error = RwSignal::new(None::<ApiError>);
    let saving = RwSignal::new(false);
    let navigate = use_navigate();

    // Opened for a customer (`?customer=`: from a follow-up call, what the customer raised,
    // `&follow_up=` naming the call): they are picked already, and the case is linked to the call.
    let query = leptos_router::hooks::use_query_map();
    let follow_up = StoredValue::new(query.with_untracked(|q| q.get("follow_up")).filter(|id| !id.is_empty()));
    if let Some(id) = query.with_untracked(|q| q.get("customer")).filter(|id| !id.is_empty()) {
        spawn_local(async move {
            if let Ok(profile) = api::customer(id).await {
                customer.set(Some(profile.customer));
            }
        });
    }

    // The classifier's suggestion, asked for once typing pauses (0.4 s), with the admins' rules.
    let suggestion = RwSignal::new(None::<domain::classify::Suggestion>);
    let pending = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move |_| {
        let (s, d) = (subject.get(), description.get());
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        if s.trim().is_empty() && d.trim().is_empty() {
            suggestion.set(None);
            return;
        }
        let handle = set_timeout_with_handle(
            move || {
                spawn_local(async move {
                    if let Ok(found) = api::classify(s, d).await {
                        suggestion.set(Some(found));
                    }
                })
            },
            std::time::Duration::from_millis(400),
        );
        pending.set_value(handle.ok());
    });
    let apply = move |_| {
        if let Some(found) = suggestion.get_untracked() {
            category.set(found.category.clone());
            complexity.set(found.complexity.as_str().to_string());
            if found.is_complaint {
                kind.set(CaseKind::Complaint.as_str().to_string());
            }
        }
    };

    // Registers the case; with `merge`, then merges it into that earlier complaint of the same
    // customer (a repeat with no new facts) and opens the earlier one.
    let save = move |merge: Option<String>| {
        let Some(c) = customer.get_untracked() else {
            error.set(Some(ApiError::Api { status: 422, code: "missing_field".into(), field: Some("customer_id".into()) }));
            return;
        };
        let body = NewCase {
            kind: kind.get_untracked().parse().unwrap_or(CaseKind::Inquiry),
            channel: channel.get_untracked().parse().unwrap_or(Channel::Phone),
            customer_id: c.id,
            subject: subject.get_untracked(),
            description: description.get_untracked(),
            category: Some(category.get_untracked()).filter(|s| !s.is_empty()),
            complexity: complexity.get_untracked().parse().ok(),
            assignee: (mine.get_untracked() && may_keep.get_untracked()).then(|| "me".to_string()),
            follow_up_id: follow_up.get_value(),
        };
        error.set(None);
        saving.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = match api::create_case(body).await {
                Ok(case) => match merge {
                    Some(into) => {
                        let request = TransitionRequest { action: Some(ComplaintAction::Merge), into: Some(into.clone()), version: case.case.version, ..TransitionRequest::default() };
                        // If the merge is refused, the new complaint stands: open it rather than
                        // leave the form to be saved twice.
                        Ok(api::transition(case.case.id.clone(), request).await.map_or(case.case.id, |_| into))
                    }
                    None => Ok(case.case.id),
                },
                Err(e) => Err(e),
            };
            saving.set(false);
            match result {
                Ok(id) => navigate(&format!("/cases/{id}"), NavigateOptions::default()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let submit = {
        let save = save.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            save(None);
        }
    };
    // A complaint for a customer who already has one open: offer to merge a repeat into it.
    let open_complaints = LocalResource::new(move || {
        let who = customer.get().map(|c| c.id);
        let complaint = kind.get() == CaseKind::Complaint.as_str();
        async move {
            match who.filter(|_| complaint) {
                Some(id) => {
                    let filter = CaseFilter { customer_id: Some(id), kind: Some(CaseKind::Complaint), status: Some(StatusFilter::Open), ..CaseFilter::default() };
                    api::list_cases(filter, None).await.map(|p| p.items).unwrap_or_default()
                }
                None => Vec::new(),
            }
        }
    });
    let invalid = move |field: &'static str| move || error.with(|e| e.as_ref().and_then(|e| e.field()) == Some(field));

    view! {
        <section class="page narrow" aria-labelledby="page-title">
            <h1 id="page-title">{move || t().new_case_title}</h1>
            <CustomerPicker customer/>
            <form class="form" on:submit=submit novalidate>
                <div class="grid-2">
                    <div class="field">
                        <label for="case-channel">{move || t().channel}</label>
                        <select id="case-channel" data-testid="case-channel" bind:value=channel>
                            {Channel::ALL.iter().map(|c| view! {
                                <option value=c.as_str()>{move || i18n.get().channel(*c)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="case-kind">{move || t().kind}</label>
                        <select id="case-kind" data-testid="case-kind" bind:value=kind>
                            {CaseKind::ALL.iter().map(|k| view! {
                                <option value=k.as_str()>{move || i18n.get().kind(*k)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="case-complexity">{move || t().complexity}</label>
                        <select id="case-complexity" data-testid="case-complexity" bind:value=complexity>
                            <option value="">{move || t().auto_classify}</option>
                            {Complexity::ALL.iter().map(|c| view! {
                                <option value=c.as_str()>{move || i18n.get().complexity(*c)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="case-category">{move || t().category}</label>
                        <select id="case-category" data-testid="case-category" bind:value=category>
                            <option value="">{move || t().auto_classify}</option>
                            {CATEGORIES.iter().map(|c| view! {
                                <option value=*c>{move || i18n.get().category(c)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                </div>
                <div class="field">
                    <label for="case-subject">{move || t().subject}</label>
                    <input id="case-subject" data-testid="case-subject" maxlength="200" required
                        aria-invalid=move || invalid("subject")().to_string() bind:value=subject/>
                </div>
                <div class="field">
                    <label for="case-description">{move || t().description}</label>
                    <textarea id="case-description" data-testid="case-description" rows="6" required
                        aria-invalid=move || invalid("description")().to_string() bind:value=description></textarea>
                </div>
                {move || suggestion.get().map(|found| {
                    let code = found.category.clone();
                    view! {
                        <div class="suggestion" role="status" data-testid="suggestion">
                            <span>{move || i18n.get().tr("系统建议：", "Suggested: ")}</span>
                            <strong>{move || i18n.get().category(&code)}</strong>
                            <span class="muted">{format!(" ({}%)", found.category_confidence)}</span>
                            " · "<strong>{move || i18n.get().complexity(found.complexity)}</strong>
                            {found.is_complaint.then(|| view! {
                                " · "<strong>{move || i18n.get().kind(CaseKind::Complaint)}</strong>
                                <span class="muted">{format!(" ({}%)", found.complaint_confidence)}</span>
                            })}
                            <button type="button" class="button ghost small" data-testid="apply-suggestion" on:click=apply>
                                {move || i18n.get().tr("采用建议", "Use this")}
                            </button>
                        </div>
                    }
                })}
                {move || {
                    let earlier = open_complaints.get().unwrap_or_default();
                    let save = save.clone();
                    (!earlier.is_empty()).then(|| view! {
                        <section class="conflict" data-testid="merge-offer" aria-labelledby="merge-title">
                            <h2 id="merge-title">{move || i18n.get().tr("该客户已有处理中的投诉", "This customer already has an open complaint")}</h2>
                            <p>{move || i18n.get().tr(
                                "如果这次投诉没有新的事实，请合并到原投诉，由原承办人一并处理；有新事实时照常登记。",
                                "If this complaint brings no new facts, merge it into the earlier one so it is handled there; with new facts, register it as usual.")}</p>
                            <ul>
                                {earlier.into_iter().map(|c| {
                                    let save = save.clone();
                                    let id = c.id.clone();
                                    view! {
                                        <li>
                                            <span class="mono">{c.reference.clone()}</span>" · "{c.subject.clone()}" · "
                                            <span class="muted">{crate::components::time::full(c.created_at)}</span>" "
                                            <button type="button" class="button" data-testid="merge-into" disabled=move || saving.get()
                                                on:click=move |_| save(Some(id.clone()))>
                                                {move || i18n.get().tr("登记并合并到此投诉", "Register and merge into it")}
                                            </button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </section>
                    })
                }}
                {move || if may_keep.get() {
                    view! {
                        <label class="check">
                            <input type="checkbox" data-testid="case-mine" bind:checked=mine/>
                            {move || t().handle_myself}
                        </label>
                    }.into_any()
                } else if kind.get() == CaseKind::Complaint.as_str() {
                    view! {
                        <p class="hint" data-testid="case-routed">{move || i18n.get().tr(
                            "投诉登记后自动分派给投诉专员（不会分给投诉中提到的人员），或由主管指派。",
                            "A complaint is routed to the complaint team once registered (never to anyone it names), or assigned by a supervisor.",
                        )}</p>
                    }.into_any()
                } else {
                    ().into_any()
                }}
                <p class="hint">{move || t().sla_note}</p>
                {move || error.get().map(|e| view! {
                    <p class="form-error" role="alert" data-testid="form-error">{
                        if e.field() == Some("customer_id") && customer.get().is_none() { t().pick_customer_first.to_string() } else { e.message(i18n.get()) }
                    }</p>
                })}
                <div class="actions">
                    <button type="submit" class="button primary" data-testid="case-save" disabled=move || saving.get()>
                        {move || if saving.get() { t().saving } else { t().save_case }}
                    </button>
                    <a class="button ghost" href="/queue">{move || t().cancel}</a>
                </div>
            </form>
        </section>
    }
}

/// Finds a customer by name, phone or e-mail, or creates one inline.
#[component]
fn CustomerPicker(customer: RwSignal<Option<Customer>>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.get().t();
    let query = RwSignal::new(String::new());
    let results = RwSignal::new(None::<Result<Vec<Customer>, ApiError>>);
    let creating = RwSignal::new(false);
    let generation = StoredValue::new(0u32);

    Effect::new(move |_| {
        let q = query.get();
        let gen = generation.get_value() + 1;
        generation.set_value(gen);
        if q.trim().is_empty() {
            results.set(None);
            return;
        }
        spawn_local(async move {
            let found = api::search_customers(q).await;
            if generation.get_value() == gen {
                results.set(Some(found));
            }
        });
    });

    view! {
        <fieldset class="card" data-testid="customer-picker">
            <legend>{move || t().customer}</legend>
            {move || match customer.get() {
                Some(c) => view! {
                    <div class="picked" data-testid="picked-customer">
                        <strong>{c.name.clone()}</strong>
                        <span class="muted">{c.phone_masked.clone().unwrap_or_default()}</span>
                        <span class="muted">{c.email_masked.clone().unwrap_or_default()}</span>
                        <button type="button" class="button ghost small" on:click=move |_| customer.set(None)>
                            {move || t().change_customer}
                        </button>
                    </div>
                }.into_any(),
                None if creating.get() => view! { <NewCustomerForm customer creating/> }.into_any(),
                None => view! {
                    <div class="field">
                        <label for="customer-search">{move || t().find_customer}</label>
                        <input id="customer-search" type="search" data-testid="customer-search" autocomplete="off"
                            placeholder=move || t().find_customer_hint bind:value=query/>
                    </div>
                    {move || results.get().map(|r| match r {
                        Ok(list) if list.is_empty() => view! { <p class="muted" data-testid="no-customer">{move || t().no_customer_found}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="results">
                                {list.into_iter().map(|c| {
                                    let pick = c.clone();
                                    view! {
                                        <li>
                                            <button type="button" class="result" data-testid="customer-result" on:click=move |_| customer.set(Some(pick.clone()))>
                                                <strong>{c.name.clone()}</strong>
                                                <span class="muted">{c.phone_masked.clone().unwrap_or_default()}</span>
                                                <span class="muted">{c.email_masked.clone().unwrap_or_default()}</span>
                                            </button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.message(i18n.get())}</p> }.into_any(),
                    })}
                    <button type="button" class="button small" data-testid="create-customer" on:click=move |_| creating.set(true)>
                        {move || t().create_customer}
                    </button>
                }.into_any(),
            }}
        </fieldset>
    }
}

#[component]
fn NewCustomerForm(customer: RwSignal<Option<Customer>>, creating: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.get().t();
    let name = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let save = move |_| {
        let optional = |s: String| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let body = NewCustomer {
            name: name.get_untracked(),
            phone: optional(phone.get_untracked()),
            email: optional(email.get_untracked()),
            segment: None,
        };
        spawn_local(async move {
            match api::create_customer(body).await {
                Ok(c) => {
                    customer.set(Some(c));
                    creating.set(false);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <div class="inline-form" data-testid="new-customer-form">
            <p class="form-title">{move || t().create_customer_title}</p>
            <div class="grid-3">
                <div class="field">
                    <label for="customer-name">{move || t().customer_name}</label>
                    <input id="customer-name" data-testid="customer-name" maxlength="100" bind:value=name/>
                </div>
                <div class="field">
                    <label for="customer-phone">{move || t().phone}</label>
                    <input id="customer-phone" type="tel" data-testid="customer-phone" bind:value=phone/>
                </div>
                <div class="field">
                    <label for="customer-email">{move || t().email}</label>
                    <input id="customer-email" type="email" data-testid="customer-email" bind:value=email/>
                </div>
            </div>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e.message(i18n.get())}</p> })}
            <div class="actions">
                <button type="button" class="button primary small" data-testid="customer-save" on:click=save>{move || t().save_customer}</button>
                <button type="button" class="button ghost small" on:click=move |_| creating.set(false)>{move || t().cancel}</button>
            </div>
        </div>
    }
}
