/* advise_html.h — the actions of `vpcflow advise` as a section of the HTML report. */
#ifndef VF_ADVISE_HTML_H
#define VF_ADVISE_HTML_H

#include "base/text.h"
#include "query/advise.h"

/* Appends <section id="advice"> to t: one table row per proposed action (rank, saving and net
 * per month, cost, change, evidence; caveats under each change), then the inputs that would
 * make the advice exact. Every text from the inputs is escaped. */
void vf_advice_html(vf_text *t, const vpcflow_advice *a);

#endif
