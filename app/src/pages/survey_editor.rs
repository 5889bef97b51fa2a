//! Writing a survey template (admin): its name and title, and its questions — CSAT, NPS,
//! single or multiple choice, free text; required or optional; in Chinese and English — in
//! order, beside a preview of the survey as the customer will see it. A template in use keeps
//! its question ids, so answers already given still read against it.

use domain::api::{SurveyTemplate, SurveyTemplateInput};
use domain::questionnaire::{Question, QuestionKind, Text};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::i18n::{use_i18n, Lang};
use crate::pages::survey::SurveyPreview;

const KINDS: [QuestionKind; 5] = [QuestionKind::Csat, QuestionKind::Nps, QuestionKind::SingleChoice, QuestionKind::MultipleChoice, QuestionKind::FreeText];

fn kind_value(kind: QuestionKind) -> &'static str {
    match kind {
        QuestionKind::Csat => "csat",
        QuestionKind::Nps => "nps",
        QuestionKind::SingleChoice => "single_choice",
        QuestionKind::MultipleChoice => "multiple_choice",
        QuestionKind::FreeText => "free_text",
    }
}

pub fn kind_text(lang: Lang, kind: QuestionKind) -> &'static str {
    match kind {
        QuestionKind::Csat => lang.tr("满意度 1–5", "CSAT 1–5"),
        QuestionKind::Nps => lang.tr("推荐度 0–10", "NPS 0–10"),
        QuestionKind::SingleChoice => lang.tr("单选", "single choice"),
        QuestionKind::MultipleChoice => lang.tr("多选", "multiple choice"),
        QuestionKind::FreeText => lang.tr("文字", "free text"),
    }
}

fn is_choice(kind: QuestionKind) -> bool {
    matches!(kind, QuestionKind::SingleChoice | QuestionKind::MultipleChoice)
}

/// What a refused field is, in the admin's words: "第 2 题 · 问题（英文）".
fn field_text(lang: Lang, field: &str) -> String {
    let en = lang == Lang::En;
    let part = |rest: &str| -> String {
        let text = |zh: &str, en_text: &str| if en { en_text.to_string() } else { zh.to_string() };
        match rest {
            "" | ".kind" | ".required" => String::new(),
            ".id" => text("编号", "id"),
            ".text" | ".text.zh" => text("问题（中文）", "question (Chinese)"),
            ".text.en" => text("问题（英文）", "question (English)"),
            ".options" => text(&format!("选项（2–{} 个）", domain::questionnaire::OPTIONS_MAX), &format!("options (2–{})", domain::questionnaire::OPTIONS_MAX)),
            other => {
                // .options[k].zh / .options[k].en
                let inner = other.trim_start_matches(".options[");
                let (k, lang_part) = inner.split_once(']').unwrap_or(("0", ""));
                let k = k.parse::<usize>().unwrap_or(0) + 1;
                let which = if lang_part.ends_with("en") { text("英文", "English") } else { text("中文", "Chinese") };
                if en { format!("option {k} ({which})") } else { format!("第 {k} 个选项（{which}）") }
            }
        }
    };
    let what = match field {
        "name" => lang.tr("模板名称", "template name").to_string(),
        "title" | "title.zh" => lang.tr("标题（中文）", "title (Chinese)").to_string(),
        "title.en" => lang.tr("标题（英文）", "title (English)").to_string(),
        "questions" => if en { format!("questions (1–{})", domain::questionnaire::QUESTIONS_MAX) } else { format!("问题（1–{} 个）", domain::questionnaire::QUESTIONS_MAX) },
        f if f.starts_with("questions[") => {
            let inner = &f["questions[".len()..];
            let (i, rest) = inner.split_once(']').unwrap_or(("0", ""));
            let n = i.parse::<usize>().unwrap_or(0) + 1;
            let detail = part(rest);
            match (en, detail.is_empty()) {
                (true, true) => format!("question {n}"),
                (true, false) => format!("question {n}: {detail}"),
                (false, true) => format!("第 {n} 题"),
                (false, false) => format!("第 {n} 题 · {detail}"),
            }
        }
        other => other.to_string(),
    };
    format!("{} {what}", lang.t().error_field)
}

/// One question being written; `key` keeps its place in the list while it moves.
#[derive(Clone, Copy)]
struct Draft {
    key: usize,
    id: StoredValue<String>,
    kind: RwSignal<QuestionKind>,
    required: RwSignal<bool>,
    zh: RwSignal<String>,
    en: RwSignal<String>,
    /// One option a line, "中文 | English".
    options: RwSignal<String>,
}

impl Draft {
    fn new(key: usize, q: &Question) -> Draft {
        Draft {
            key,
            id: StoredValue::new(q.id.clone()),
            kind: RwSignal::new(q.kind),
            required: RwSignal::new(q.required),
            zh: RwSignal::new(q.text.zh.clone()),
            en: RwSignal::new(q.text.en.clone()),
            options: RwSignal::new(q.options.iter().map(|o| format!("{} | {}", o.zh, o.en)).collect::<Vec<_>>().join("\n")),
        }
    }

    fn question(&self) -> Question {
        let kind = self.kind.get();
        let options = if is_choice(kind) {
            self.options
                .get()
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| {
                    let (zh, en) = l.split_once('|').unwrap_or((l, ""));
                    Text::new(zh.trim(), en.trim())
                })
                .collect()
        } else {
            Vec::new()
        };
        Question { id: self.id.get_value(), kind, required: self.required.get(), text: Text::new(self.zh.get().trim(), self.en.get().trim()), options }
    }
}

/// The first `q<n>` no question uses yet.
fn fresh_id(drafts: &[Draft]) -> String {
    (1..).map(|n| format!("q{n}")).find(|id| drafts.iter().all(|d| d.id.with_value(|x| x != id))).unwrap_or_default()
}

/// A new template (`template` None) or a change to one; `on_done` gets the saved template, or
/// None when the admin cancels.
#[component]
pub fn TemplateEditor(template: Option<SurveyTemplate>, on_done: Callback<Option<SurveyTemplate>>) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let editing = template.as_ref().map(|t| (t.id.clone(), t.version));
    let name = RwSignal::new(template.as_ref().map(|t| t.name.clone()).unwrap_or_default());
    let title_zh = RwSignal::new(template.as_ref().map(|t| t.title.zh.clone()).unwrap_or_default());
    let title_en = RwSignal::new(template.as_ref().map(|t| t.title.en.clone()).unwrap_or_default());
    let active = RwSignal::new(template.as_ref().is_none_or(|t| t.active));
    let starting: Vec<Question> = template.map(|t| t.questions).unwrap_or_else(|| {
        vec![Question { id: "q1".into(), kind: QuestionKind::Csat, required: true, text: Text::new("", ""), options: Vec::new() }]
    });
    let next_key = StoredValue::new(starting.len());
    let drafts = RwSignal::new(starting.iter().enumerate().map(|(k, q)| Draft::new(k, q)).collect::<Vec<_>>());
    let error = RwSignal::new(None::<ApiError>);
    let saving = RwSignal::new(false);

    let questions = Signal::derive(move || drafts.get().iter().map(Draft::question).collect::<Vec<_>>());
    let title = Signal::derive(move || Text::new(&title_zh.get(), &title_en.get()));
    // A refusal names a question by its place; once the places change it no longer applies.
    let add = move |_| {
        error.set(None);
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        drafts.update(|d| {
            let q = Question { id: fresh_id(d), kind: QuestionKind::SingleChoice, required: false, text: Text::new("", ""), options: Vec::new() };
            d.push(Draft::new(key, &q));
        });
    };
    let move_by = move |key: usize, by: isize| {
        error.set(None);
        drafts.update(|d| {
            if let Some(at) = d.iter().position(|x| x.key == key) {
                let to = at as isize + by;
                if (0..d.len() as isize).contains(&to) {
                    d.swap(at, to as usize);
                }
            }
        })
    };
    let remove = move |key: usize| {
        error.set(None);
        drafts.update(|d| d.retain(|x| x.key != key));
    };

    let submit = {
        let editing = editing.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let input = SurveyTemplateInput {
                name: name.get_untracked().trim().to_string(),
                title: Text::new(title_zh.get_untracked().trim(), title_en.get_untracked().trim()),
                questions: questions.get_untracked(),
                active: active.get_untracked(),
                version: editing.as_ref().map(|(_, v)| *v),
            };
            let id = editing.as_ref().map(|(id, _)| id.clone());
            saving.set(true);
            error.set(None);
            spawn_local(async move {
                let result = match id {
                    Some(id) => api::update_survey_template(id, input).await,
                    None => api::create_survey_template(input).await,
                };
                saving.set(false);
                match result {
                    Ok(saved) => on_done.run(Some(saved)),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    // Whether the last error names this field (or, with `within`, something inside it).
    let names = move |field: String, within: bool| {
        error.with(|e| {
            e.as_ref().and_then(|e| e.field()).is_some_and(|f| f == field || (within && (f.starts_with(&format!("{field}.")) || f.starts_with(&format!("{field}[")))))
        })
    };
    let position = move |key: usize| drafts.with(|d| d.iter().position(|x| x.key == key).unwrap_or(0));

    view! {
        <form class="form template-editor" on:submit=submit novalidate data-testid="template-editor" aria-labelledby="template-editor-title">
            <h3 id="template-editor-title" class="form-title">{
                let new = editing.is_none();
                move || if new { tr("新建调查模板", "New template") } else { tr("编辑调查模板", "Edit template") }
            }</h3>
            <div class="editor-columns">
                <div class="editor-fields">
                    <div class="field">
                        <label for="template-name">{move || tr("模板名称（内部使用）", "Template name (staff only)")}</label>
                        <input id="template-name" data-testid="template-name" maxlength="80" aria-invalid=move || names("name".into(), false).to_string() bind:value=name/>
                    </div>
                    <div class="grid-2">
                        <div class="field">
                            <label for="template-title-zh">{move || tr("标题（中文）", "Title (Chinese)")}</label>
                            <input id="template-title-zh" lang="zh-CN" data-testid="template-title-zh" aria-invalid=move || names("title.zh".into(), false).to_string() bind:value=title_zh/>
                        </div>
                        <div class="field">
                            <label for="template-title-en">{move || tr("标题（英文）", "Title (English)")}</label>
                            <input id="template-title-en" lang="en" data-testid="template-title-en" aria-invalid=move || names("title.en".into(), false).to_string() bind:value=title_en/>
                        </div>
                    </div>
                    <ol class="question-drafts">
                        <For each=move || drafts.get() key=|d| d.key let:d>
                            {
                                let key = d.key;
                                let n = move || position(key);
                                let field = move |part: &str| format!("questions[{}]{part}", position(key));
                                let dom = move |part: &str| format!("tq-{key}-{part}");
                                view! {
                                    <li class="question-draft" data-testid="template-question" aria-invalid=move || names(field(""), true).to_string()>
                                        <fieldset>
                                            <legend>{move || if i18n.get() == Lang::En { format!("Question {}", n() + 1) } else { format!("第 {} 题", n() + 1) }}</legend>
                                            <div class="grid-2">
                                                <div class="field">
                                                    <label for=dom("kind")>{move || tr("题型", "Kind")}</label>
                                                    <select id=dom("kind") data-testid="question-kind" on:change=move |ev| {
                                                        let v = event_target_value(&ev);
                                                        if let Some(k) = KINDS.into_iter().find(|k| kind_value(*k) == v) { d.kind.set(k) }
                                                    }>
                                                        {KINDS.into_iter().map(|k| view! {
                                                            <option value=kind_value(k) selected=move || d.kind.get() == k>{move || kind_text(i18n.get(), k)}</option>
                                                        }).collect_view()}
                                                    </select>
                                                </div>
                                                <label class="check"><input type="checkbox" data-testid="question-required" bind:checked=d.required/>{move || tr("必答", "Required")}</label>
                                            </div>
                                            <div class="grid-2">
                                                <div class="field">
                                                    <label for=dom("zh")>{move || tr("问题（中文）", "Question (Chinese)")}</label>
                                                    <input id=dom("zh") lang="zh-CN" data-testid="question-zh" aria-invalid=move || names(field(".text.zh"), false).to_string() bind:value=d.zh/>
                                                </div>
                                                <div class="field">
                                                    <label for=dom("en")>{move || tr("问题（英文）", "Question (English)")}</label>
                                                    <input id=dom("en") lang="en" data-testid="question-en" aria-invalid=move || names(field(".text.en"), false).to_string() bind:value=d.en/>
                                                </div>
                                            </div>
                                            <Show when=move || is_choice(d.kind.get())>
                                                <div class="field">
                                                    <label for=dom("options")>{move || tr("选项：每行一个，“中文 | English”", "Options: one a line, \"中文 | English\"")}</label>
                                                    <textarea id=dom("options") rows="4" data-testid="question-options" aria-invalid=move || names(field(".options"), true).to_string()
                                                        prop:value=move || d.options.get() on:input=move |ev| d.options.set(event_target_value(&ev))></textarea>
                                                </div>
                                            </Show>
                                            <div class="actions">
                                                <button type="button" class="button ghost" data-testid="question-up" disabled=move || n() == 0 on:click=move |_| move_by(key, -1)>{move || tr("上移", "Move up")}</button>
                                                <button type="button" class="button ghost" data-testid="question-down" disabled=move || n() + 1 == drafts.with(Vec::len) on:click=move |_| move_by(key, 1)>{move || tr("下移", "Move down")}</button>
                                                <button type="button" class="button ghost danger" data-testid="question-remove" disabled=move || drafts.with(Vec::len) == 1 on:click=move |_| remove(key)>{move || tr("删除", "Remove")}</button>
                                            </div>
                                        </fieldset>
                                    </li>
                                }
                            }
                        </For>
                    </ol>
                    <button type="button" class="button" data-testid="question-add" on:click=add>{move || tr("添加问题", "Add a question")}</button>
                    <label class="check"><input type="checkbox" data-testid="template-active" bind:checked=active/>{move || tr("可用于新的调查计划", "Available for new schedules")}</label>
                    {move || error.get().map(|e| {
                        let lang = i18n.get();
                        let text = match (&e, e.field()) {
                            (ApiError::Api { status: 422 | 400, .. }, Some(field)) => field_text(lang, field),
                            _ => e.message(lang),
                        };
                        view! { <p class="form-error" role="alert" data-testid="template-error">{text}</p> }
                    })}
                    <div class="actions">
                        <button type="submit" class="button primary" data-testid="template-save" disabled=move || saving.get()>
                            {move || if saving.get() { i18n.get().t().saving } else { tr("保存模板", "Save template") }}
                        </button>
                        <button type="button" class="button ghost" data-testid="template-cancel" on:click=move |_| on_done.run(None)>{move || tr("取消", "Cancel")}</button>
                    </div>
                </div>
                <SurveyPreview title questions/>
            </div>
        </form>
    }
}
