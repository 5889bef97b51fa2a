//! Charts as plain SVG: columns over days and horizontal bars over categories. Each mark has a
//! tooltip (`<title>`), and a bar with a link opens the list behind it. Labels come in the
//! user's language from the caller; the charts draw no text of their own but numbers.

use leptos::prelude::*;

/// One column or bar: its label, value, the tooltip's text and, optionally, where a click goes.
#[derive(Clone, PartialEq)]
pub struct Mark {
    pub label: String,
    pub value: f64,
    pub tooltip: String,
    pub href: Option<String>,
}

/// A rounded-up axis maximum with 4 even steps (1, 2 or 5 × a power of ten each).
fn axis_max(max: f64) -> f64 {
    if max <= 0.0 {
        return 4.0;
    }
    let step = max / 4.0;
    let magnitude = 10f64.powf(step.log10().floor());
    let nice = [1.0, 2.0, 2.5, 5.0, 10.0].into_iter().map(|m| m * magnitude).find(|s| *s >= step).unwrap_or(10.0 * magnitude);
    nice * 4.0
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v:.1}") }
}

/// Columns over time (days), with a y axis of 4 steps and every n-th x label.
#[component]
pub fn Columns(
    #[prop(into)] title: Signal<String>,
    #[prop(into)] marks: Signal<Vec<Mark>>,
    test_id: &'static str,
) -> impl IntoView {
    const W: f64 = 640.0;
    const H: f64 = 200.0;
    const LEFT: f64 = 40.0;
    const BOTTOM: f64 = 24.0;
    let id = format!("{test_id}-title");
    view! {
        <figure class="chart" data-testid=test_id>
            <figcaption id=id.clone()>{title}</figcaption>
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-labelledby=id preserveAspectRatio="none">
                {move || {
                    let marks = marks.get();
                    let top = axis_max(marks.iter().map(|m| m.value).fold(0.0, f64::max));
                    let plot_h = H - BOTTOM - 8.0;
                    let y = move |v: f64| 8.0 + plot_h - v / top * plot_h;
                    let slot = (W - LEFT) / marks.len().max(1) as f64;
                    let every = (marks.len() / 8).max(1);
                    let grid = (0..=4).map(|i| {
                        let v = top * f64::from(i) / 4.0;
                        view! {
                            <line class="grid" x1=LEFT x2=W y1=y(v) y2=y(v)></line>
                            <text class="axis" x=LEFT - 4.0 y=y(v) + 4.0 text-anchor="end">{number(v)}</text>
                        }
                    }).collect_view();
                    let columns = marks.into_iter().enumerate().map(|(i, m)| {
                        let x = LEFT + slot * i as f64;
                        let bar = view! {
                            <rect class="column" x=x + slot * 0.15 width=slot * 0.7 y=y(m.value) height=(plot_h + 8.0 - y(m.value)).max(0.0)>
                                <title>{m.tooltip.clone()}</title>
                            </rect>
                        };
                        let label = (i % every == 0).then(|| view! {
                            <text class="axis" x=x + slot / 2.0 y=H - 6.0 text-anchor="middle">{m.label.clone()}</text>
                        });
                        view! { {bar}{label} }
                    }).collect_view();
                    view! { {grid}{columns} }
                }}
            </svg>
        </figure>
    }
}

/// Horizontal bars, largest first as given; each bar's label and value beside it, and a link to
/// the list behind it where there is one.
#[component]
pub fn Bars(
    #[prop(into)] title: Signal<String>,
    #[prop(into)] marks: Signal<Vec<Mark>>,
    #[prop(into)] empty: Signal<&'static str>,
    test_id: &'static str,
) -> impl IntoView {
    let id = format!("{test_id}-title");
    let labelled_by = id.clone();
    view! {
        <figure class="chart bars" data-testid=test_id aria-labelledby=labelled_by>
            <figcaption id=id>{title}</figcaption>
            {move || {
                let marks = marks.get();
                if marks.is_empty() {
                    return view! { <p class="chart-empty">{empty}</p> }.into_any();
                }
                let top = marks.iter().map(|m| m.value).fold(0.0, f64::max).max(1.0);
                view! {
                    <ul>
                        {marks.into_iter().map(|m| {
                            // Set through the CSSOM (style:), which the CSP allows; a style attribute it refuses.
                            let width = format!("{:.1}%", m.value / top * 100.0);
                            let bar = view! { <span class="bar-label">{m.label.clone()}</span><span class="bar"><span class="bar-fill" style:width=width></span></span><span class="bar-count">{number(m.value)}</span> };
                            match m.href {
                                Some(href) => view! { <li title=m.tooltip><a href=href class="bar-row">{bar}</a></li> }.into_any(),
                                None => view! { <li title=m.tooltip><span class="bar-row">{bar}</span></li> }.into_any(),
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </figure>
    }
}
