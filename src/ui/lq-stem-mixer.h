/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lq-history.h"
#include "lq-track.h"

G_BEGIN_DECLS

#define LQ_TYPE_STEM_MIXER (lq_stem_mixer_get_type ())

G_DECLARE_FINAL_TYPE (LqStemMixer, lq_stem_mixer, LQ, STEM_MIXER, GtkWidget)

GtkWidget *lq_stem_mixer_new         (LqHistory   *history);
void       lq_stem_mixer_set_history (LqStemMixer *self,
                                      LqHistory   *history);
void       lq_stem_mixer_set_track   (LqStemMixer *self,
                                      LqTrack     *track);
LqTrack   *lq_stem_mixer_get_track   (LqStemMixer *self);
void       lq_stem_mixer_set_rate    (LqStemMixer *self,
                                      guint        rate);
gboolean   lq_stem_mixer_get_solo    (LqStemMixer *self,
                                      guint        stem);
void       lq_stem_mixer_set_solo    (LqStemMixer *self,
                                      guint        stem,
                                      gboolean     solo);

G_END_DECLS
