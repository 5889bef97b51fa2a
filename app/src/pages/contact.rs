//! The public web form: a customer files an inquiry or complaint without an account and gets a
//! reference number. Nothing is stored when the form is invalid; the server rate-limits it.
//! While they describe an inquiry, related FAQ articles are suggested; that one answered them,
//! or that they sent the form anyway, is recorded. A complaint is never met with suggestions:
//! nothing may stand between a customer and their right to complain.

use std::time::Duration;

use domain::api::{ArticleHit, PublicCaseReceipt, PublicCaseRequest};
use domain::CaseKind;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::components::shell::PublicHead;
use crate::components::time::full;
use crate::i18n::{use_i18n, Lang};
use crate::pages::faq::in_lang;

/// How long typing must pause before the form looks for related articles.
const SUGGEST_AFTER: Duration = Duration::from_millis(400);

#[component]
pub fn ContactPage() -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let kind = RwSignal::new(CaseKind::Inquiry.as_str().to_string());
    let name = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let subject = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let sending = RwSignal::new(false);
    let receipt = RwSignal::new(None::<PublicCaseReceipt>);
    let suggestions = RwSignal::new(Vec::<ArticleHit>::new());
    let answered = RwSignal::new(None::<ArticleHit>);
    // Each keystroke starts a new wait; only the latest one asks, and only its answer is shown.
    let generation = StoredValue::new(0u32);
    Effect::new(move |_| {
        let text = format!("{}\n{}", subject.get(), description.get());
        let inquiry = kind.get() == CaseKind::Inquiry.as_str();
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        if !inquiry || text.trim().chars().count() < 4 {
            suggestions.set(Vec::new());
            return;
        }
        set_timeout(
            move || {
                if generation.get_value() != mine {
                    return;
                }
                spawn_local(async move {
                    // Suggestions are a help: when they fail, the form works without them.
                    if let Ok(items) = api::suggest_articles(text).await {
                        if generation.get_value() == mine {
                            suggestions.set(items);
                        }
                    }
                });
            },
            SUGGEST_AFTER,
        );
    });
    let solved = move |article: ArticleHit| {
        let id = article.id.clone();
        answered.set(Some(article));
        spawn_local(async move {
            let _ = api::article_answered(id).await;
        });
    };
    let optional = |s: RwSignal<String>| Some(s.get_untracked()).filter(|v| !v.trim().is_empty());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = PublicCaseRequest {
            kind: kind.get_untracked().parse().unwrap_or(CaseKind::Inquiry),
            name: name.get_untracked(),
            phone: optional(phone),
            email: optional(email),
            subject: subject.get_untracked(),
            description: description.get_untracked(),
            suggested_articles: suggestions.get_untracked().into_iter().map(|a| a.id).collect(),
        };
        sending.set(true);
        error.set(None);
        spawn_local(async move {
            let result = api::file_public_case(request).await;
            sending.set(false);
            match result {
                Ok(r) => receipt.set(Some(r)),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let invalid = move |field: &'static str| move || error.with(|e| e.as_ref().and_then(|e| e.field()) == Some(field)).to_string();
    view! {
        <main class="public-page" id="main" lang=move || i18n.get().code()>
            <PublicHead/>
            <h1>{move || tr("在线咨询与投诉", "Ask us or make a complaint")}</h1>
            <p class="muted">{move || tr("常见问题或许已有答案：", "Your answer may already be in our FAQ: ")}<a href="/faq" data-testid="contact-faq">{move || tr("查看常见问题", "Frequently asked questions")}</a></p>
            {move || match (receipt.get(), answered.get()) {
                (None, Some(article)) => {
                    let title = article.title.clone();
                    view! {
                        <section class="receipt" role="status" data-testid="answered">
                            <p>{move || tr("很高兴这篇文章解答了您的问题：", "We are glad this article answered your question:")}</p>
                            <p><a href=format!("/faq/{}", article.id)>{move || in_lang(&title, i18n.get())}</a></p>
                            <p class="muted">{move || tr("无需再提交表单。", "You do not need to send the form.")}</p>
                            <button type="button" class="button" data-testid="answered-back" on:click=move |_| answered.set(None)>
                                {move || tr("仍要提交表单", "Send the form anyway")}
                            </button>
                        </section>
                    }.into_any()
                }
                (Some(r), _) => {
                    let kind = r.kind;
                    view! {
                        <section class="receipt" role="status" data-testid="receipt">
                            <p>{move || if kind == CaseKind::Complaint { tr("您的投诉已登记，受理编号：", "Your complaint is registered. Your reference:") } else { tr("您的咨询已受理，受理编号：", "We have your question. Your reference:") }}</p>
                            <p class="mono" data-testid="receipt-reference">{r.reference.clone()}</p>
                            <p>{move || tr("我们将在以下时间前答复您：", "We will answer you by:")}" "<time datetime=r.first_response_due_at.to_rfc3339()>{full(r.first_response_due_at)}</time>{move || tr("（北京时间）", " (Beijing time)")}</p>
                            <p class="muted">{move || tr("请保存此编号，来电或来信时提供可加快查询。", "Keep this reference; quoting it when you contact us speeds things up.")}</p>
                        </section>
                    }.into_any()
                }
                (None, None) => view! {
                    <form class="form card" on:submit=submit novalidate data-testid="contact-form">
                        <fieldset class="field">
                            <legend>{move || tr("您想要", "You want to")}</legend>
                            <label class="check"><input type="radio" name="kind" value="inquiry" data-testid="contact-inquiry"
                                prop:checked=move || kind.get() == "inquiry" on:change=move |_| kind.set("inquiry".into())/>
                                {move || tr("咨询问题", "Ask a question")}</label>
                            <label class="check"><input type="radio" name="kind" value="complaint" data-testid="contact-complaint"
                                prop:checked=move || kind.get() == "complaint" on:change=move |_| kind.set("complaint".into())/>
                                {move || tr("提出投诉", "Make a complaint")}</label>
                        </fieldset>
                        <div class="field">
                            <label for="contact-name">{move || tr("姓名", "Your name")}</label>
                            <input id="contact-name" autocomplete="name" data-testid="contact-name" aria-invalid=invalid("name") bind:value=name/>
                        </div>
                        <div class="grid-2">
                            <div class="field">
                                <label for="contact-phone">{move || tr("手机号码", "Mobile number")}</label>
                                <input id="contact-phone" type="tel" autocomplete="tel" inputmode="tel" data-testid="contact-phone" aria-invalid=invalid("phone") bind:value=phone/>
                            </div>
                            <div class="field">
                                <label for="contact-email">{move || tr("电子邮件", "E-mail")}</label>
                                <input id="contact-email" type="email" autocomplete="email" data-testid="contact-email" aria-invalid=invalid("email") bind:value=email/>
                            </div>
                        </div>
                        <p class="hint">{move || tr("手机号码和电子邮件至少填写一项，以便我们答复您。", "Give a mobile number or an e-mail address, so we can answer you.")}</p>
                        <div class="field">
                            <label for="contact-subject">{move || tr("主题", "Subject")}</label>
                            <input id="contact-subject" data-testid="contact-subject" aria-invalid=invalid("subject") bind:value=subject/>
                        </div>
                        <div class="field">
                            <label for="contact-description">{move || tr("详细说明", "Details")}</label>
                            <textarea id="contact-description" rows="6" data-testid="contact-description" aria-invalid=invalid("description") bind:value=description></textarea>
                        </div>
                        <Show when=move || !suggestions.with(Vec::is_empty)>
                            <aside class="suggestions" aria-live="polite" data-testid="suggestions">
                                <p class="suggestions-title">{move || tr("这些文章或许能解答您的问题：", "These articles may answer your question:")}</p>
                                <ul class="plain-list">
                                    <For each=move || suggestions.get() key=|a| a.id.clone() let:article>
                                        <li class="suggestion" data-testid="suggestion">
                                            <a href=format!("/faq/{}", article.id) target="_blank" rel="noopener">{
                                                let title = article.title.clone();
                                                move || in_lang(&title, i18n.get())
                                            }</a>
                                            <p class="muted">{
                                                let excerpt = article.excerpt.clone();
                                                move || in_lang(&excerpt, i18n.get())
                                            }</p>
                                            <button type="button" class="button small" data-testid="suggestion-solved" on:click={
                                                let article = article.clone();
                                                move |_| solved(article.clone())
                                            }>{move || tr("这解决了我的问题", "This answers my question")}</button>
                                        </li>
                                    </For>
                                </ul>
                            </aside>
                        </Show>
                        {move || error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="contact-error">{contact_error(&e, i18n.get())}</p> })}
                        <button type="submit" class="button primary" data-testid="contact-submit" disabled=move || sending.get()>
                            {move || if sending.get() { i18n.get().t().saving } else { tr("提交", "Send") }}
                        </button>
                        <p class="hint">{move || tr("请勿在此填写银行卡密码或验证码。", "Never write card PINs or verification codes here.")}</p>
                    </form>
                }.into_any(),
            }}
        </main>
    }
}

/// The form's errors in the customer's words: which field to fix.
fn contact_error(e: &ApiError, lang: Lang) -> String {
    let field = match e.field() {
        Some("name") => lang.tr("姓名", "your name"),
        Some("phone") => lang.tr("手机号码或电子邮件", "a mobile number or e-mail address"),
        Some("email") => lang.tr("电子邮件", "the e-mail address"),
        Some("subject") => lang.tr("主题", "the subject"),
        Some("description") => lang.tr("详细说明", "the details"),
        _ => return e.message(lang),
    };
    format!("{}{field}", lang.tr("请检查：", "Please check "))
}
