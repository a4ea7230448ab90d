/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lq-timeline.h"

G_BEGIN_DECLS

/* What the timeline's drag gesture does, callable from tests as synthesized gesture steps:
 * begin at widget (@x, @y), then moves by (@dx, @dy) from there. */
void _lq_timeline_drag_begin  (LqTimeline *self,
                               double      x,
                               double      y);
void _lq_timeline_drag_update (LqTimeline *self,
                               double      dx,
                               double      dy);
void _lq_timeline_drag_end    (LqTimeline *self,
                               double      dx,
                               double      dy);

G_END_DECLS
