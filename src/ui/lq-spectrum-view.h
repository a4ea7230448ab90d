/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/gst.h>
#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LQ_TYPE_SPECTRUM_VIEW (lq_spectrum_view_get_type ())

G_DECLARE_FINAL_TYPE (LqSpectrumView, lq_spectrum_view, LQ, SPECTRUM_VIEW, GtkWidget)

/*
 * The live spectrum: log frequency (20 Hz–20 kHz), dB scale (0 dB = a full-scale sine, down
 * to -96 dB), the band levels and peak hold of the "lqspectrum" element messages (the element
 * does the 1/N-octave smoothing), a display smoothing in time (each band falls by at most
 * `decay` dB per second, rises at once; 0 turns it off), and an overlay of a reference's
 * long-term spectrum (LqLtas levels), shifted to the live level when asked, and one of the
 * unprocessed source ("source-spectrum" messages of the player, same fields as "lqspectrum").
 * Each overlay can be turned off (properties "show-source" and "show-reference"). The
 * "spectrogram" mode draws the last messages instead (log frequency across, newest at the top,
 * colour = level).
 */
GtkWidget *lq_spectrum_view_new              (void);
gboolean   lq_spectrum_view_handle_message   (LqSpectrumView     *self,
                                              const GstStructure *structure);
void       lq_spectrum_view_reset            (LqSpectrumView     *self);
void       lq_spectrum_view_set_decay        (LqSpectrumView     *self,
                                              double              db_per_second);
void       lq_spectrum_view_set_reference    (LqSpectrumView     *self,
                                              const float        *frequencies,
                                              const float        *levels,
                                              guint               n_points);
guint      lq_spectrum_view_get_n_points     (LqSpectrumView     *self);
guint      lq_spectrum_view_get_n_reference  (LqSpectrumView     *self);
float      lq_spectrum_view_get_frequency    (LqSpectrumView     *self,
                                              guint               index);
float      lq_spectrum_view_get_level        (LqSpectrumView     *self,
                                              guint               index);
float      lq_spectrum_view_get_displayed    (LqSpectrumView     *self,
                                              guint               index);
float      lq_spectrum_view_get_peak         (LqSpectrumView     *self,
                                              guint               index);
void       lq_spectrum_view_set_show_source  (LqSpectrumView     *self,
                                              gboolean            show);
gboolean   lq_spectrum_view_get_show_source  (LqSpectrumView     *self);
void       lq_spectrum_view_set_show_reference (LqSpectrumView   *self,
                                              gboolean            show);
gboolean   lq_spectrum_view_get_show_reference (LqSpectrumView   *self);
void       lq_spectrum_view_set_spectrogram  (LqSpectrumView     *self,
                                              gboolean            spectrogram);
gboolean   lq_spectrum_view_get_spectrogram  (LqSpectrumView     *self);
guint      lq_spectrum_view_get_spectrogram_rows (LqSpectrumView *self);
float      lq_spectrum_view_get_spectrogram_level (LqSpectrumView *self,
                                              guint               age,
                                              guint               index);
guint      lq_spectrum_view_get_n_source     (LqSpectrumView     *self);
float      lq_spectrum_view_get_source_level (LqSpectrumView     *self,
                                              guint               index);
double     lq_spectrum_view_x_for_frequency  (LqSpectrumView     *self,
                                              double              hz,
                                              double              width);

G_END_DECLS
