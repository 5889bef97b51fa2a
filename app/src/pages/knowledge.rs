//! The knowledge base for staff: everyone searches and reads it; supervisors and admins write,
//! publish and unpublish articles, and act on what customers searched for and did not find.

use domain::api::{Article, ArticleHit, ArticleInput, ArticleStatus, KnowledgeInsights};
use domain::questionnaire::Text;
use domain::Role;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use crate::api::{self, ApiError};
use crate::components::feedback::{Empty, ErrorPanel, Loading};
use crate::components::time::full;
use crate::i18n::use_i18n;
use crate::pages::faq::{in_lang, paragraphs};
use crate::session::use_session;

fn writes_articles() -> bool {
    use_session().user.get().is_some_and(|u| u.role.includes(Role::Supervisor))
}

#[component]
pub fn KnowledgePage() -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let query = use_query_map();
    let q = move || query.with(|m| m.get("q").unwrap_or_default());
    let category = move || query.with(|m| m.get("category").unwrap_or_default());
    let typed = RwSignal::new(q());
    let chosen = RwSignal::new(category());
    let navigate = use_navigate();
    let results = LocalResource::new(move || api::articles(q(), category()));
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let pairs: Vec<String> = [("q", typed.get_untracked()), ("category", chosen.get_untracked())]
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| format!("{k}={}", js_sys::encode_uri_component(v.trim())))
            .collect();
        navigate(&format!("/knowledge?{}", pairs.join("&")), Default::default());
    };
    view! {
        <section class="page" aria-labelledby="page-title">
            <div class="page-head">
                <h1 id="page-title">{move || tr("知识库", "Knowledge base")}</h1>
                <Show when=writes_articles>
                    <A href="/knowledge/new" attr:class="button primary" attr:data-testid="article-new">{move || tr("新建文章", "New article")}</A>
                </Show>
            </div>
            <form class="list-tools" role="search" on:submit=search>
                <div class="field">
                    <label for="kb-q">{move || tr("搜索", "Search")}</label>
                    <input id="kb-q" type="search" data-testid="kb-search" bind:value=typed placeholder=move || tr("客户的问题或关键词", "The customer's question or key words")/>
                </div>
                <div class="field">
                    <label for="kb-category">{move || tr("类别", "Category")}</label>
                    <select id="kb-category" bind:value=chosen>
                        <option value="">{move || tr("全部", "All")}</option>
                        {domain::case::CATEGORIES.iter().map(|c| view! { <option value=*c>{move || i18n.get().category(c)}</option> }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="button">{move || tr("搜索", "Search")}</button>
                <p class="hint">{move || if writes_articles() { tr("搜索只查找已发布的文章；清空搜索可看到草稿。", "A search finds published articles only; clear it to see drafts.") } else { "" }}</p>
            </form>
            {move || match results.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <ErrorPanel error=e retry=Callback::new(move |_| results.refetch())/> }.into_any(),
                Some(Ok(items)) if items.is_empty() => view! {
                    <Empty title=Signal::derive(move || tr("没有找到文章", "No articles found"))
                        hint=Signal::derive(move || tr("换个关键词再试。", "Try other words."))/>
                }.into_any(),
                Some(Ok(items)) => view! {
                    <table class="table" data-testid="articles">
                        <thead><tr>
                            <th scope="col">{move || tr("标题", "Title")}</th>
                            <th scope="col">{move || tr("类别", "Category")}</th>
                            <th scope="col">{move || tr("状态", "Status")}</th>
                            <th scope="col" class="num">{move || tr("阅读", "Views")}</th>
                            <th scope="col">{move || tr("更新", "Updated")}</th>
                        </tr></thead>
                        <tbody>
                            {items.into_iter().map(|a| view! { <ArticleRow article=a/> }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            }}
            <Show when=writes_articles>
                <Insights/>
            </Show>
        </section>
    }
}

#[component]
fn ArticleRow(article: ArticleHit) -> impl IntoView {
    let i18n = use_i18n();
    let title = article.title.clone();
    let excerpt = article.excerpt.clone();
    let category = article.category.clone();
    let status = article.status;
    view! {
        <tr data-testid="article-row">
            <td>
                <A href=format!("/knowledge/{}", article.id)>{move || in_lang(&title, i18n.get())}</A>
                <div class="muted small">{move || in_lang(&excerpt, i18n.get())}</div>
            </td>
            <td>{move || i18n.get().category(&category)}</td>
            <td><StatusBadge status/></td>
            <td class="num">{article.views}</td>
            <td><time datetime=article.updated_at.to_rfc3339()>{full(article.updated_at)}</time></td>
        </tr>
    }
}

#[component]
fn StatusBadge(status: ArticleStatus) -> impl IntoView {
    let i18n = use_i18n();
    match status {
        ArticleStatus::Published => view! { <span class="badge ok">{move || i18n.get().tr("已发布", "Published")}</span> },
        ArticleStatus::Draft => view! { <span class="badge muted">{move || i18n.get().tr("草稿", "Draft")}</span> },
    }
}

/// What customers did with the knowledge base: searches that found nothing (to write an article
/// for, or dismiss), the suggestions' effect on the web form, the most read articles.
#[component]
fn Insights() -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let insights = LocalResource::new(api::knowledge_insights);
    let error = RwSignal::new(None::<ApiError>);
    let dismiss = move |id: String| {
        spawn_local(async move {
            match api::dismiss_missed_search(id).await {
                Ok(()) => insights.refetch(),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="insights-title" data-testid="kb-insights">
            <h2 id="insights-title">{move || tr("客户自助情况", "What customers found")}</h2>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e.message(i18n.get())}</p> })}
            {move || match insights.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <ErrorPanel error=e retry=Callback::new(move |_| insights.refetch())/> }.into_any(),
                Some(Ok(k)) => view! { <InsightsBody k dismiss=Callback::new(dismiss)/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn InsightsBody(k: KnowledgeInsights, dismiss: Callback<String>) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let shown = k.answered + k.submitted;
    let rate = if shown > 0 { format!("{:.0}%", k.answered as f64 * 100.0 / shown as f64) } else { "—".into() };
    view! {
        <p data-testid="deflection">
            {move || tr("近30天网页表单推荐文章后：", "In the last 30 days, after the web form suggested articles: ")}
            <strong>{k.answered}</strong>{move || tr(" 位客户表示问题已解决，", " customers said an article answered them, ")}
            <strong>{k.submitted}</strong>{move || tr(" 位仍提交了表单（自助解决率 ", " sent the form anyway (self-service rate ")}{rate}{move || tr("）。", ").")}
        </p>
        <h3>{move || tr("无结果的搜索", "Searches that found nothing")}</h3>
        {if k.missed.is_empty() {
            view! { <p class="muted" data-testid="missed-empty">{move || tr("目前没有：客户搜索的问题都找到了文章。", "None: every search found an article.")}</p> }.into_any()
        } else {
            view! {
                <table class="table" data-testid="missed-searches">
                    <thead><tr>
                        <th scope="col">{move || tr("搜索内容", "Search")}</th>
                        <th scope="col" class="num">{move || tr("次数", "Times")}</th>
                        <th scope="col">{move || tr("最近一次", "Last searched")}</th>
                        <th scope="col"><span class="visually-hidden">{move || tr("操作", "Actions")}</span></th>
                    </tr></thead>
                    <tbody>
                        {k.missed.into_iter().map(|m| {
                            let id = m.id.clone();
                            let write = format!("/knowledge/new?title={}", js_sys::encode_uri_component(&m.query));
                            view! {
                                <tr data-testid="missed-search">
                                    <td>{m.query.clone()}</td>
                                    <td class="num">{m.count}</td>
                                    <td><time datetime=m.last_at.to_rfc3339()>{full(m.last_at)}</time></td>
                                    <td class="actions">
                                        <A href=write attr:class="button">{move || tr("写文章", "Write an article")}</A>
                                        <button type="button" class="button ghost" data-testid="missed-dismiss" on:click=move |_| dismiss.run(id.clone())>{move || tr("忽略", "Dismiss")}</button>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        <h3>{move || tr("阅读最多", "Most read")}</h3>
        <ol data-testid="most-viewed">
            {k.most_viewed.into_iter().map(|a| {
                let title = a.title.clone();
                view! { <li><A href=format!("/knowledge/{}", a.id)>{move || in_lang(&title, i18n.get())}</A>" · "{a.views}{move || tr(" 次", " views")}</li> }
            }).collect_view()}
        </ol>
    }
}

/// `/knowledge/new` and `/knowledge/:id`: the editor for those who write articles, the article
/// for everyone else.
#[component]
pub fn ArticlePage() -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).filter(|id| id != "new");
    let article = LocalResource::new(move || async move {
        match id() {
            Some(id) => api::article(id).await.map(Some),
            None => Ok(None),
        }
    });
    view! {
        <section class="page" aria-labelledby="page-title">
            <p><A href="/knowledge">{move || tr("← 知识库", "← Knowledge base")}</A></p>
            {move || match article.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <ErrorPanel error=e/> }.into_any(),
                Some(Ok(a)) if writes_articles() => view! { <Editor article=a on_saved=Callback::new(move |_| article.refetch())/> }.into_any(),
                Some(Ok(Some(a))) => view! { <ArticleView article=a/> }.into_any(),
                Some(Ok(None)) => view! { <p class="notice" data-testid="forbidden">{move || i18n.get().t().forbidden_page}</p> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn ArticleView(article: Article) -> impl IntoView {
    let i18n = use_i18n();
    let (title, body) = (article.title.clone(), article.body.clone());
    let category = article.category.clone();
    view! {
        <article class="card faq-article" data-testid="article-view">
            <h1 id="page-title">{move || in_lang(&title, i18n.get())}</h1>
            <p class="muted"><span class="badge muted">{move || i18n.get().category(&category)}</span>" "
                {article.tags.iter().map(|t| view! { <span class="chip small">{t.clone()}</span>" " }).collect_view()}</p>
            <div class="faq-body">{move || paragraphs(in_lang(&body, i18n.get()))}</div>
            <p><a href=format!("/faq/{}", article.id) target="_blank" rel="noopener">{move || i18n.get().tr("在常见问题页打开（客户看到的样子）", "Open in the public FAQ (as customers see it)")}</a></p>
        </article>
    }
}

#[component]
fn Editor(article: Option<Article>, on_saved: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let query = use_query_map();
    let navigate = use_navigate();
    let existing = article.as_ref().map(|a| (a.id.clone(), a.version));
    let a = article.clone();
    let field = |f: fn(&Article) -> String, default: String| RwSignal::new(a.as_ref().map_or(default, f));
    // A missed search's "write an article" opens the editor with the search as the title.
    let suggested_title = query.with_untracked(|m| m.get("title")).unwrap_or_default();
    let category = field(|a| a.category.clone(), "other".into());
    let tags = field(|a| a.tags.join("，"), String::new());
    let status = field(|a| a.status.as_str().into(), "draft".into());
    let title_zh = field(|a| a.title.zh.clone(), suggested_title);
    let body_zh = field(|a| a.body.zh.clone(), String::new());
    let title_en = field(|a| a.title.en.clone(), String::new());
    let body_en = field(|a| a.body.en.clone(), String::new());
    let error = RwSignal::new(None::<ApiError>);
    // A new article's page opens saying it was saved.
    let saved = RwSignal::new(query.with_untracked(|m| m.get("saved").is_some()));
    let saving = RwSignal::new(false);
    let existing = StoredValue::new(existing);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = ArticleInput {
            category: category.get_untracked(),
            tags: tags.get_untracked().split([',', '，', '、']).map(str::trim).filter(|t| !t.is_empty()).map(String::from).collect(),
            title: Text { zh: title_zh.get_untracked(), en: title_en.get_untracked() },
            body: Text { zh: body_zh.get_untracked(), en: body_en.get_untracked() },
            status: ArticleStatus::parse(&status.get_untracked()).unwrap_or(ArticleStatus::Draft),
            version: existing.get_value().map(|(_, v)| v),
        };
        saving.set(true);
        error.set(None);
        saved.set(false);
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = match existing.get_value() {
                Some((id, _)) => api::update_article(id, input).await,
                None => api::create_article(input).await,
            };
            saving.set(false);
            match result {
                Ok(a) => {
                    saved.set(true);
                    if existing.get_value().is_none() {
                        navigate(&format!("/knowledge/{}?saved=1", a.id), leptos_router::NavigateOptions { replace: true, ..Default::default() });
                    } else {
                        on_saved.run(());
                    }
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let invalid = move |name: &'static str| move || error.with(|e| e.as_ref().and_then(|e| e.field()) == Some(name)).to_string();
    let heading = if article.is_some() { ("编辑文章", "Edit article") } else { ("新建文章", "New article") };
    let published_link = article.as_ref().filter(|a| a.status == ArticleStatus::Published).map(|a| format!("/faq/{}", a.id));
    let counters = article.as_ref().map(|a| (a.views, a.helpful, a.updated_at));
    view! {
        <form class="form card article-editor" on:submit=save novalidate data-testid="article-editor">
            <h1 id="page-title">{move || tr(heading.0, heading.1)}</h1>
            {counters.map(|(views, helpful, updated)| view! {
                <p class="muted">{move || tr("阅读 ", "Views ")}{views}{move || tr(" 次 · 解决问题 ", " · answered a question ")}{helpful}{move || tr(" 次 · 更新于 ", " times · updated ")}{full(updated)}</p>
            })}
            <div class="grid-2">
                <div class="field">
                    <label for="article-category">{move || tr("类别", "Category")}</label>
                    <select id="article-category" data-testid="article-category" bind:value=category aria-invalid=invalid("category")>
                        {domain::case::CATEGORIES.iter().map(|c| view! { <option value=*c>{move || i18n.get().category(c)}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="article-tags">{move || tr("标签（用逗号分隔）", "Tags (separated by commas)")}</label>
                    <input id="article-tags" data-testid="article-tags" bind:value=tags aria-invalid=invalid("tags")/>
                </div>
            </div>
            <fieldset class="field">
                <legend>{move || tr("状态", "Status")}</legend>
                <label class="check"><input type="radio" name="article-status" value="draft" data-testid="article-draft"
                    prop:checked=move || status.get() == "draft" on:change=move |_| status.set("draft".into())/>{move || tr("草稿（客户看不到）", "Draft (customers cannot see it)")}</label>
                <label class="check"><input type="radio" name="article-status" value="published" data-testid="article-published"
                    prop:checked=move || status.get() == "published" on:change=move |_| status.set("published".into())/>{move || tr("已发布（出现在常见问题和搜索中）", "Published (in the FAQ and its search)")}</label>
            </fieldset>
            <div class="grid-2">
                <fieldset class="field" lang="zh-CN">
                    <legend>"中文"</legend>
                    <label for="article-title-zh">{move || tr("标题", "Title")}</label>
                    <input id="article-title-zh" data-testid="article-title-zh" bind:value=title_zh aria-invalid=invalid("title")/>
                    <label for="article-body-zh">{move || tr("正文", "Body")}</label>
                    <textarea id="article-body-zh" rows="10" data-testid="article-body-zh" bind:value=body_zh aria-invalid=invalid("body")></textarea>
                </fieldset>
                <fieldset class="field" lang="en">
                    <legend>"English"</legend>
                    <label for="article-title-en">{move || tr("标题", "Title")}</label>
                    <input id="article-title-en" data-testid="article-title-en" bind:value=title_en aria-invalid=invalid("title")/>
                    <label for="article-body-en">{move || tr("正文", "Body")}</label>
                    <textarea id="article-body-en" rows="10" data-testid="article-body-en" bind:value=body_en aria-invalid=invalid("body")></textarea>
                </fieldset>
            </div>
            <p class="hint">{move || tr("可以只写一种语言；客户看到的是其所选语言的版本，没有时显示另一种。", "One language is enough; customers see theirs, or the other when it is missing.")}</p>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="article-error">{article_error(&e, i18n.get())}</p> })}
            {move || saved.get().then(|| view! { <p class="notice" role="status" data-testid="article-saved">{move || tr("已保存。", "Saved.")}</p> })}
            <div class="actions">
                <button type="submit" class="button primary" data-testid="article-save" disabled=move || saving.get()>
                    {move || if saving.get() { i18n.get().t().saving } else { tr("保存", "Save") }}
                </button>
                {published_link.map(|href| view! { <a href=href target="_blank" rel="noopener">{move || tr("在常见问题页查看", "View in the public FAQ")}</a> })}
            </div>
        </form>
    }
}

fn article_error(e: &ApiError, lang: crate::i18n::Lang) -> String {
    match e.field() {
        Some("title") => lang.tr("请填写标题：至少一种语言需要标题和正文，且有正文的语言必须有标题。", "Check the title: one language at least needs a title and a body, and a language with a body needs a title.").into(),
        Some("body") => lang.tr("请填写正文：有标题的语言必须有正文。", "Check the body: a language with a title needs a body.").into(),
        Some("tags") => lang.tr("标签最多10个，每个不超过30字。", "At most 10 tags of up to 30 characters.").into(),
        _ => e.message(lang),
    }
}
