//! Products (admin): each product's risk level (R1–R5, what suitability compares with the
//! customer's tolerance) and cooling-off period (犹豫期, inside which its post-sale follow-up
//! must be made).

use domain::api::{Product, ProductUpdate};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{SaveBar, Saved};
use crate::api;
use crate::components::feedback::{ErrorPanel, Loading};
use crate::i18n::use_i18n;

#[component]
pub fn ProductsSection() -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let products = LocalResource::new(api::products);
    view! {
        <section class="card" data-testid="products-section" aria-labelledby="products-title">
            <h2 id="products-title">{move || tr("产品风险等级与犹豫期", "Products: risk level and cooling-off")}</h2>
            <p class="hint">{move || tr(
                "风险等级高于客户风险承受能力的购买标记为适当性不匹配；有犹豫期的产品，售后回访须在犹豫期内完成。修改只影响此后的购买。",
                "A purchase of a product above the customer's risk tolerance is flagged as a suitability mismatch; for a product with a cooling-off period, the after-sale follow-up must be made inside it. A change applies to purchases from then on.",
            )}</p>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match products.await {
                        Ok(list) => list.into_iter().map(|p| view! { <ProductForm product=p/> }).collect_view().into_any(),
                        Err(e) => view! { <ErrorPanel error=e retry=Callback::new(move |_| products.refetch())/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ProductForm(product: Product) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let risk = RwSignal::new(product.risk_level.map(|r| r.to_string()).unwrap_or_default());
    let hours = RwSignal::new(product.cooling_off_hours.map(|h| h.to_string()).unwrap_or_default());
    let version = RwSignal::new(product.version);
    let status = RwSignal::new(Saved::Idle);
    let code = StoredValue::new(product.code.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let cooling_off_hours = match hours.get_untracked().trim() {
            "" => None,
            text => match text.parse::<i64>() {
                Ok(h) => Some(h),
                Err(_) => {
                    status.set(Saved::Failed(api::ApiError::Api { status: 422, code: "invalid_field".into(), field: Some("cooling_off_hours".into()) }));
                    return;
                }
            },
        };
        let update = ProductUpdate { risk_level: risk.get_untracked().parse().ok(), cooling_off_hours, version: version.get_untracked() };
        status.set(Saved::Saving);
        spawn_local(async move {
            match api::update_product(code.get_value(), update).await {
                Ok(saved) => {
                    version.set(saved.version);
                    status.set(Saved::Done);
                }
                Err(e) => status.set(Saved::Failed(e)),
            }
        });
    };
    let (zh, en) = (product.name_zh.clone(), product.name_en.clone());
    let risk_id = format!("product-risk-{}", product.code);
    let hours_id = format!("product-hours-{}", product.code);
    view! {
        <form class="team" on:submit=submit novalidate data-testid="product-form" data-code=product.code.clone()>
            <h3 class="form-title">{move || if i18n.get() == crate::i18n::Lang::Zh { zh.clone() } else { en.clone() }}</h3>
            <div class="grid-2">
                <div class="field">
                    <label for=risk_id.clone()>{move || tr("风险等级", "Risk level")}</label>
                    <select id=risk_id.clone() data-testid="product-risk" bind:value=risk>
                        <option value="">{move || tr("非投资类", "No investment")}</option>
                        {(1..=5).map(|r| view! { <option value=r.to_string()>{format!("R{r}")}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for=hours_id.clone()>{move || tr("犹豫期（小时，留空为无）", "Cooling-off (hours; empty for none)")}</label>
                    <input id=hours_id.clone() inputmode="numeric" data-testid="product-hours" bind:value=hours/>
                </div>
            </div>
            <SaveBar status test_id="product-save"/>
        </form>
    }
}
