//! The public FAQ: customers search the knowledge base without an account, read an article,
//! and go on to the web form when it did not answer them.

use domain::api::ArticleHit;
use domain::questionnaire::Text;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use crate::api;
use crate::components::feedback::{Empty, ErrorPanel, Loading};
use crate::components::shell::PublicHead;
use crate::components::time::full;
use crate::i18n::{use_i18n, Lang};

/// An article's text in `lang`, or in the other language when it was written only in that.
pub fn in_lang(text: &Text, lang: Lang) -> String {
    let (first, other) = if lang == Lang::En { (&text.en, &text.zh) } else { (&text.zh, &text.en) };
    if first.trim().is_empty() { other.clone() } else { first.clone() }
}

/// A body as paragraphs, one per line written.
pub fn paragraphs(body: String) -> impl IntoView {
    body.lines().filter(|l| !l.trim().is_empty()).map(|l| view! { <p>{l.to_string()}</p> }).collect_view()
}

#[component]
pub fn FaqPage() -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let query = use_query_map();
    let q = move || query.with(|m| m.get("q").unwrap_or_default());
    let category = move || query.with(|m| m.get("category").unwrap_or_default());
    let typed = RwSignal::new(q());
    let navigate = use_navigate();
    let results = LocalResource::new(move || api::public_articles(q(), category()));
    let address = move |q: &str, category: &str| {
        let pairs: Vec<String> = [("q", q), ("category", category)]
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| format!("{k}={}", js_sys::encode_uri_component(v.trim())))
            .collect();
        if pairs.is_empty() { "/faq".to_string() } else { format!("/faq?{}", pairs.join("&")) }
    };
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        navigate(&address(&typed.get_untracked(), &category()), Default::default());
    };
    view! {
        <main class="public-page faq" id="main" lang=move || i18n.get().code()>
            <PublicHead/>
            <h1>{move || tr("常见问题", "Frequently asked questions")}</h1>
            <p class="muted">{move || tr("输入您的问题，查找答案。", "Type your question to find an answer.")}</p>
            <form class="faq-search" role="search" on:submit=search data-testid="faq-search-form">
                <label class="visually-hidden" for="faq-q">{move || tr("搜索常见问题", "Search the FAQ")}</label>
                <input id="faq-q" type="search" data-testid="faq-search" autocomplete="off" bind:value=typed
                    placeholder=move || tr("例如：信用卡年费、挂失、转账到账时间", "e.g. annual fee, lost card, transfer time")/>
                <button type="submit" class="button primary" data-testid="faq-search-submit">{move || tr("搜索", "Search")}</button>
            </form>
            <ul class="chips" aria-label=move || tr("按类别浏览", "Browse by category")>
                <li><A href=move || address(&q(), "") attr:class=move || if category().is_empty() { "chip current" } else { "chip" }>{move || tr("全部", "All")}</A></li>
                {domain::case::CATEGORIES.iter().map(|c| {
                    let code = c.to_string();
                    let current = code.clone();
                    view! {
                        <li><A href=move || address(&q(), &code) attr:class=move || if category() == current { "chip current" } else { "chip" }
                            attr:data-testid=format!("faq-category-{c}")>{move || i18n.get().category(c)}</A></li>
                    }
                }).collect_view()}
            </ul>
            {move || match results.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <ErrorPanel error=e retry=Callback::new(move |_| results.refetch())/> }.into_any(),
                Some(Ok(items)) if items.is_empty() => {
                    let searched = !q().trim().is_empty();
                    view! {
                        <Empty title=Signal::derive(move || if searched { tr("没有找到相关文章", "No article matches") } else { tr("暂无常见问题", "No questions yet") })
                            hint=Signal::derive(move || tr("换个说法再试，或在线咨询我们。", "Try other words, or ask us directly."))>
                            <a class="button" href="/contact" data-testid="faq-ask">{move || tr("在线咨询", "Ask us")}</a>
                        </Empty>
                    }.into_any()
                }
                Some(Ok(items)) => {
                    let n = items.len();
                    view! {
                    <p class="hint" role="status">{move || if q().trim().is_empty() { String::new() } else { format!("{n} {}", tr("篇相关文章", "articles found")) }}</p>
                    <ol class="faq-list" data-testid="faq-results">
                        {items.into_iter().map(|a| view! { <FaqItem article=a/> }).collect_view()}
                    </ol>
                    }.into_any()
                }
            }}
            <p class="faq-more">{move || tr("没有找到答案？", "Did not find your answer?")}" "<a href="/contact" data-testid="faq-contact">{move || tr("在线咨询或投诉", "Ask us or make a complaint")}</a>
                " · "<a href="/book" data-testid="faq-book">{move || tr("预约网点办理业务", "Book a branch appointment")}</a></p>
        </main>
    }
}

#[component]
fn FaqItem(article: ArticleHit) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/faq/{}", article.id);
    let (title, excerpt) = (article.title.clone(), article.excerpt.clone());
    let category = article.category.clone();
    view! {
        <li class="faq-item" data-testid="faq-item">
            <h2><A href=href>{move || in_lang(&title, i18n.get())}</A></h2>
            <p>{move || in_lang(&excerpt, i18n.get())}</p>
            <span class="badge muted">{move || i18n.get().category(&category)}</span>
        </li>
    }
}

#[component]
pub fn FaqArticlePage() -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let params = use_params_map();
    let article = LocalResource::new(move || api::public_article(params.with(|p| p.get("id").unwrap_or_default())));
    view! {
        <main class="public-page faq" id="main" lang=move || i18n.get().code()>
            <PublicHead/>
            <p><A href="/faq">{move || tr("← 全部常见问题", "← All questions")}</A></p>
            {move || match article.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <ErrorPanel error=e/> }.into_any(),
                Some(Ok(a)) => {
                    let (title, body, category, updated) = (a.title.clone(), a.body.clone(), a.category.clone(), a.updated_at);
                    view! {
                        <article class="card faq-article" data-testid="faq-article">
                            <h1>{move || in_lang(&title, i18n.get())}</h1>
                            <p class="muted">
                                <span class="badge muted">{move || i18n.get().category(&category)}</span>" "
                                {move || tr("更新于 ", "Updated ")}<time datetime=updated.to_rfc3339()>{full(updated)}</time>
                            </p>
                            <div class="faq-body" data-testid="faq-body">{move || paragraphs(in_lang(&body, i18n.get()))}</div>
                        </article>
                    }.into_any()
                }
            }}
            <p class="faq-more">{move || tr("仍需帮助？", "Still need help?")}" "<a href="/contact">{move || tr("在线咨询或投诉", "Ask us or make a complaint")}</a></p>
        </main>
    }
}
