/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The meter views (loudness, spectrum, phase) fed with element message structures: the values
 * the views show equal the message's; the streaming services' gains follow the playback rule
 * of lq-preset.h computed here by hand; live messages from the real lqloudness / lqspectrum /
 * lqphase elements on a test tone reach the panel and read what the tone's closed-form
 * loudness and correlation are; and the correlation bar is drawn where its value says.
 * The export dialog: a DDP and a Spotify export of a two-track project run from the dialog,
 * the DDP checked afterwards by the command-line verifier (`lacquer-cli verify ddp`). */
#define G_LOG_DOMAIN "lq-test-meters"

#include "config.h"

#include <math.h>
#include <string.h>
#include <sys/resource.h>

#include <adwaita.h>
#include <gst/gst.h>

#include <glib/gstdio.h>

#include "lq-ui-test-util.h"
#include "lq-demo.h"
#include "lq-elements.h"
#include "lq-export-dialog.h"
#include "lq-meters-panel.h"
#include "lq-synth.h"
#include "lq-wav.h"

#define WIDTH 400
#define HEIGHT 300

static void
set_db_array (GstStructure *s,
              const char   *field,
              const double *values,
              guint         n)
{
  GValue array = G_VALUE_INIT;

  g_value_init (&array, GST_TYPE_ARRAY);
  for (guint i = 0; i < n; i++)
    {
      GValue v = G_VALUE_INIT;

      g_value_init (&v, G_TYPE_DOUBLE);
      g_value_set_double (&v, values[i]);
      gst_value_array_append_and_take_value (&array, &v);
    }
  gst_structure_take_value (s, field, &array);
}

/* A message like lqloudness posts. */
static GstStructure *
loudness_message (double m, double st, double i, double lra,
                  const double *tp, const double *max_tp, const double *sp)
{
  GstStructure *s = gst_structure_new ("lqloudness",
                                       "momentary", G_TYPE_DOUBLE, m,
                                       "short-term", G_TYPE_DOUBLE, st,
                                       "integrated", G_TYPE_DOUBLE, i,
                                       "loudness-range", G_TYPE_DOUBLE, lra,
                                       "plr", G_TYPE_DOUBLE, MAX (max_tp[0], max_tp[1]) - i,
                                       NULL);

  set_db_array (s, "true-peak", tp, 2);
  set_db_array (s, "max-true-peak", max_tp, 2);
  set_db_array (s, "sample-peak", sp, 2);
  set_db_array (s, "max-sample-peak", sp, 2);
  return s;
}

static void
test_loudness_message (void)
{
  LqLoudnessView *view = g_object_ref_sink (LQ_LOUDNESS_VIEW (lq_loudness_view_new ()));
  const double tp1[2] = { -3.5, -0.25 }, hold1[2] = { -1.0, -0.25 }, sp1[2] = { -3.9, 0.0 };
  const double tp2[2] = { -6.0, -7.0 }, hold2[2] = { -1.0, -0.25 }, sp2[2] = { -6.5, -7.5 };
  g_autoptr(GstStructure) a = loudness_message (-10.5, -11.25, -12.0, 6.5, tp1, hold1, sp1);
  g_autoptr(GstStructure) b = loudness_message (-20.0, -13.0, -12.5, 7.0, tp2, hold2, sp2);
  g_autoptr(GstStructure) other = gst_structure_new_empty ("lqspectrum");
  double st;

  g_assert_false (lq_loudness_view_handle_message (view, other));
  g_assert_cmpuint (lq_loudness_view_get_n_channels (view), ==, 0);

  g_assert_true (lq_loudness_view_handle_message (view, a));
  g_assert_cmpfloat (lq_loudness_view_get_momentary (view), ==, -10.5);
  g_assert_cmpfloat (lq_loudness_view_get_short_term (view), ==, -11.25);
  g_assert_cmpfloat (lq_loudness_view_get_integrated (view), ==, -12.0);
  g_assert_cmpfloat (lq_loudness_view_get_loudness_range (view), ==, 6.5);
  g_assert_cmpfloat_with_epsilon (lq_loudness_view_get_plr (view), -0.25 + 12.0, 1e-12);
  g_assert_cmpuint (lq_loudness_view_get_n_channels (view), ==, 2);
  g_assert_cmpfloat (lq_loudness_view_get_true_peak (view, 0), ==, -3.5);
  g_assert_cmpfloat (lq_loudness_view_get_true_peak (view, 1), ==, -0.25);
  g_assert_cmpfloat (lq_loudness_view_get_true_peak_hold (view, 0), ==, -1.0);
  g_assert_cmpfloat (lq_loudness_view_get_true_peak_hold (view, 1), ==, -0.25);
  /* The right channel's sample peak reached 0 dBFS in this interval: one clip */
  g_assert_cmpuint (lq_loudness_view_get_clip_count (view, 0), ==, 0);
  g_assert_cmpuint (lq_loudness_view_get_clip_count (view, 1), ==, 1);

  g_assert_true (lq_loudness_view_handle_message (view, b));
  g_assert_cmpfloat (lq_loudness_view_get_momentary (view), ==, -20.0);
  g_assert_cmpfloat (lq_loudness_view_get_true_peak (view, 0), ==, -6.0);
  g_assert_cmpfloat (lq_loudness_view_get_true_peak_hold (view, 0), ==, -1.0);
  g_assert_cmpuint (lq_loudness_view_get_clip_count (view, 1), ==, 1);

  /* History: newest first */
  g_assert_cmpuint (lq_loudness_view_get_n_history (view), ==, 2);
  g_assert_cmpfloat (lq_loudness_view_get_history (view, 0, &st), ==, -20.0);
  g_assert_cmpfloat (st, ==, -13.0);
  g_assert_cmpfloat (lq_loudness_view_get_history (view, 1, &st), ==, -10.5);
  g_assert_cmpfloat (st, ==, -11.25);

  /* The ring keeps the last LQ_LOUDNESS_VIEW_HISTORY values */
  for (guint k = 0; k < LQ_LOUDNESS_VIEW_HISTORY + 5; k++)
    {
      g_autoptr(GstStructure) s = loudness_message (-30.0 - k * 0.01, -30.0, -12.0, 7.0, tp2, hold2, sp2);

      lq_loudness_view_handle_message (view, s);
    }
  g_assert_cmpuint (lq_loudness_view_get_n_history (view), ==, LQ_LOUDNESS_VIEW_HISTORY);
  g_assert_cmpfloat_with_epsilon (lq_loudness_view_get_history (view, 0, NULL),
                                  -30.0 - (LQ_LOUDNESS_VIEW_HISTORY + 4) * 0.01, 1e-9);

  lq_loudness_view_reset (view);
  g_assert_cmpuint (lq_loudness_view_get_n_history (view), ==, 0);
  g_assert_cmpuint (lq_loudness_view_get_clip_count (view, 1), ==, 0);
  g_assert_true (isinf (lq_loudness_view_get_integrated (view)));

  g_assert_finalize_object (view);
}

/* What a service does (lq-preset.h): gain = target - I; when positive, at most
 * ceiling - true peak (never negative). Spotify -14/-1, Apple Music -16/-1, Deezer -15/-1,
 * Amazon Music -14/-2. */
static double
find_gain (LqLoudnessView *view,
           const char     *name,
           char          **text)
{
  for (guint k = 0; k < lq_loudness_view_get_n_services (view); k++)
    if (g_str_equal (lq_loudness_view_get_service_name (view, k), name))
      {
        *text = lq_loudness_view_get_service_text (view, k);
        return lq_loudness_view_get_service_gain (view, k);
      }
  g_assert_not_reached ();
}

static void
test_loudness_services (void)
{
  LqLoudnessView *view = g_object_ref_sink (LQ_LOUDNESS_VIEW (lq_loudness_view_new ()));
  const double tp[2] = { -0.5, -0.3 }, sp[2] = { -9, -9 };
  g_autoptr(GstStructure) running = loudness_message (-30, -30, -30.0, 5, tp, tp, sp);
  /* integrated, LRA, max short-term, true peak, sample peak */
  const LqLoudnessSummary loud = { -8.8, 5, -7, -0.3, -0.5 };
  const LqLoudnessSummary quiet = { -20.0, 5, -18, -5.0, -5.2 };
  const LqLoudnessSummary album = { -10.0, 9, -7, -0.2, -0.4 };
  g_autofree char *text = NULL;
  guint n;

  lq_preset_get_builtin (&n);
  g_assert_cmpuint (lq_loudness_view_get_n_services (view), ==, n);
  /* Before the track's loudness is known: no gain, whatever the running meter says */
  g_assert_true (isnan (lq_loudness_view_get_service_gain (view, 0)));
  lq_loudness_view_handle_message (view, running);
  g_assert_true (isnan (lq_loudness_view_get_service_gain (view, 0)));
  lq_loudness_view_set_programme (view, 0, NULL, &album, FALSE);
  g_assert_true (isnan (lq_loudness_view_get_service_gain (view, 0)));

  /* Track 2 at -8.8 LUFS, the album unknown: every service turns it down by the whole
   * difference to its target (album normalization falls back to the track) */
  lq_loudness_view_set_programme (view, 2, &loud, NULL, FALSE);
  g_assert_cmpfloat (lq_loudness_view_get_track_loudness (view), ==, -8.8);
  g_assert_cmpfloat (lq_loudness_view_get_track_true_peak (view), ==, -0.3);
  g_assert_cmpfloat_with_epsilon (find_gain (view, "Spotify", &text), -14.0 + 8.8, 1e-9);
  g_assert_cmpstr (text, ==, "Spotify −5.2 dB");
  g_clear_pointer (&text, g_free);
  g_assert_cmpfloat_with_epsilon (find_gain (view, "Apple Music", &text), -16.0 + 8.8, 1e-9);
  g_assert_cmpstr (text, ==, "Apple Music −7.2 dB");
  g_clear_pointer (&text, g_free);

  /* -20 LUFS, highest true peak -5 dBTP: a track-normalizing service would add its
   * difference but only as far as its ceiling allows: Apple Music wants 4, the -1 dBTP
   * ceiling allows 4; Deezer wants 5, allowed 4; Amazon (-2 dBTP) allows 3 */
  lq_loudness_view_set_programme (view, 3, &quiet, NULL, FALSE);
  g_assert_cmpfloat_with_epsilon (find_gain (view, "Spotify", &text), 4.0, 1e-9);
  g_assert_cmpstr (text, ==, "Spotify +4.0 dB");
  g_clear_pointer (&text, g_free);
  g_assert_cmpfloat_with_epsilon (find_gain (view, "Deezer", &text), 4.0, 1e-9);
  g_clear_pointer (&text, g_free);
  g_assert_cmpfloat_with_epsilon (find_gain (view, "Amazon Music", &text), 3.0, 1e-9);
  g_clear_pointer (&text, g_free);
  g_assert_cmpfloat_with_epsilon (find_gain (view, "Apple Music", &text), 4.0, 1e-9);
  g_clear_pointer (&text, g_free);

  /* The same quiet track on a -10 LUFS album: Spotify and Tidal normalize the album as a
   * whole (down 4 dB, the track's balance kept), the others the track */
  lq_loudness_view_set_programme (view, 3, &quiet, &album, TRUE);
  g_assert_true (lq_loudness_view_get_programme_stale (view));
  g_assert_cmpfloat (lq_loudness_view_get_album_loudness (view), ==, -10.0);
  g_assert_cmpfloat_with_epsilon (find_gain (view, "Spotify", &text), -4.0, 1e-9);
  g_assert_cmpstr (text, ==, "Spotify −4.0 dB (album)");
  g_clear_pointer (&text, g_free);
  g_assert_cmpfloat_with_epsilon (find_gain (view, "Tidal", &text), -4.0, 1e-9);
  g_clear_pointer (&text, g_free);
  g_assert_cmpfloat_with_epsilon (find_gain (view, "Apple Music", &text), 4.0, 1e-9);
  g_assert_cmpstr (text, ==, "Apple Music +4.0 dB");
  g_clear_pointer (&text, g_free);
  g_assert_cmpfloat_with_epsilon (find_gain (view, "YouTube", &text), 4.0, 1e-9);
  g_clear_pointer (&text, g_free);

  /* The target line follows the preset */
  g_assert_true (isnan (lq_loudness_view_get_target (view)));
  lq_loudness_view_set_preset (view, lq_preset_lookup ("apple-music"));
  g_assert_cmpfloat (lq_loudness_view_get_target (view), ==, -16.0);
  lq_loudness_view_set_preset (view, NULL);
  g_assert_true (isnan (lq_loudness_view_get_target (view)));

  g_assert_finalize_object (view);
}

static GstStructure *
spectrum_message (const float *freqs, const float *mag, const float *peak, guint n)
{
  g_autoptr(GBytes) f = g_bytes_new (freqs, n * sizeof (float));
  g_autoptr(GBytes) m = g_bytes_new (mag, n * sizeof (float));
  g_autoptr(GBytes) p = g_bytes_new (peak, n * sizeof (float));

  return gst_structure_new ("lqspectrum",
                            "rate", G_TYPE_UINT, 48000,
                            "n-points", G_TYPE_UINT, n,
                            "frequencies", G_TYPE_BYTES, f,
                            "magnitude", G_TYPE_BYTES, m,
                            "peak", G_TYPE_BYTES, p,
                            NULL);
}

/* The player's "source-spectrum" messages (the unprocessed signal) go to the source overlay,
 * not to the live curve; both overlays can be turned off and on. */
static void
test_spectrum_source (void)
{
  LqSpectrumView *view = g_object_ref_sink (LQ_SPECTRUM_VIEW (lq_spectrum_view_new ()));
  enum { N = 32 };
  float freqs[N], mag[N], peak[N];
  g_autoptr(GstStructure) source = NULL;
  GtkWidget *panel;

  for (guint i = 0; i < N; i++)
    {
      freqs[i] = 20.0f * powf (1000.0f, i / (float) (N - 1));
      mag[i] = -30.0f - i;
      peak[i] = mag[i] + 2.0f;
    }
  source = spectrum_message (freqs, mag, peak, N);
  gst_structure_set_name (source, "source-spectrum");
  g_assert_true (lq_spectrum_view_handle_message (view, source));
  g_assert_cmpuint (lq_spectrum_view_get_n_points (view), ==, 0);
  g_assert_cmpuint (lq_spectrum_view_get_n_source (view), ==, N);
  for (guint i = 0; i < N; i++)
    g_assert_cmpfloat (lq_spectrum_view_get_source_level (view, i), ==, mag[i]);
  g_assert_true (lq_spectrum_view_get_show_source (view));
  g_assert_true (lq_spectrum_view_get_show_reference (view));
  g_object_set (view, "show-source", FALSE, "show-reference", FALSE, NULL);
  g_assert_false (lq_spectrum_view_get_show_source (view));
  g_assert_false (lq_spectrum_view_get_show_reference (view));
  lq_spectrum_view_reset (view);
  g_assert_cmpuint (lq_spectrum_view_get_n_source (view), ==, 0);
  g_object_unref (view);

  /* The spectrogram keeps the live messages, newest first */
  {
    LqSpectrumView *sg = g_object_ref_sink (LQ_SPECTRUM_VIEW (lq_spectrum_view_new ()));
    float later[N];
    g_autoptr(GstStructure) first = spectrum_message (freqs, mag, peak, N);
    g_autoptr(GstStructure) second = NULL;

    for (guint i = 0; i < N; i++)
      later[i] = mag[i] - 10.0f;
    second = spectrum_message (freqs, later, peak, N);
    g_assert_false (lq_spectrum_view_get_spectrogram (sg));
    g_object_set (sg, "spectrogram", TRUE, NULL);
    g_assert_true (lq_spectrum_view_handle_message (sg, first));
    g_assert_true (lq_spectrum_view_handle_message (sg, second));
    g_assert_cmpuint (lq_spectrum_view_get_spectrogram_rows (sg), ==, 2);
    for (guint i = 0; i < N; i++)
      {
        g_assert_cmpfloat (lq_spectrum_view_get_spectrogram_level (sg, 0, i), ==, later[i]);
        g_assert_cmpfloat (lq_spectrum_view_get_spectrogram_level (sg, 1, i), ==, mag[i]);
      }
    /* The source messages are not part of it */
    lq_spectrum_view_handle_message (sg, source);
    g_assert_cmpuint (lq_spectrum_view_get_spectrogram_rows (sg), ==, 2);
    lq_spectrum_view_reset (sg);
    g_assert_cmpuint (lq_spectrum_view_get_spectrogram_rows (sg), ==, 0);
    g_object_unref (sg);
  }

  /* Through the panel, which routes it; its toggles follow the view's properties */
  panel = g_object_ref_sink (lq_meters_panel_new ());
  g_assert_true (lq_meters_panel_handle_message (LQ_METERS_PANEL (panel), source));
  g_assert_cmpuint (lq_spectrum_view_get_n_source (lq_meters_panel_get_spectrum (LQ_METERS_PANEL (panel))), ==, N);
  g_object_unref (panel);
}

static void
test_spectrum_message (void)
{
  LqSpectrumView *view = g_object_ref_sink (LQ_SPECTRUM_VIEW (lq_spectrum_view_new ()));
  enum { N = 64 };
  float freqs[N], mag[N], peak[N], quiet[N];
  g_autoptr(GstStructure) a = NULL, b = NULL;
  g_autoptr(GstStructure) bad = gst_structure_new ("lqspectrum", "n-points", G_TYPE_UINT, 4, NULL);
  gint64 t0, t1;

  for (guint i = 0; i < N; i++)
    {
      freqs[i] = 20.0f * powf (1000.0f, i / (float) (N - 1));
      mag[i] = -20.0f - i * 0.5f;
      peak[i] = mag[i] + 3.0f;
      quiet[i] = mag[i] - 40.0f;
    }
  a = spectrum_message (freqs, mag, peak, N);
  b = spectrum_message (freqs, quiet, peak, N);

  g_assert_false (lq_spectrum_view_handle_message (view, bad));
  lq_spectrum_view_set_decay (view, 0.0);
  g_assert_true (lq_spectrum_view_handle_message (view, a));
  g_assert_cmpuint (lq_spectrum_view_get_n_points (view), ==, N);
  for (guint i = 0; i < N; i++)
    {
      g_assert_cmpfloat (lq_spectrum_view_get_frequency (view, i), ==, freqs[i]);
      g_assert_cmpfloat (lq_spectrum_view_get_level (view, i), ==, mag[i]);
      g_assert_cmpfloat (lq_spectrum_view_get_displayed (view, i), ==, mag[i]);
      g_assert_cmpfloat (lq_spectrum_view_get_peak (view, i), ==, peak[i]);
    }
  /* Without decay the drawn level drops at once */
  g_assert_true (lq_spectrum_view_handle_message (view, b));
  g_assert_cmpfloat (lq_spectrum_view_get_displayed (view, 5), ==, quiet[5]);

  /* With a 10 dB/s decay, a 40 dB drop is drawn falling by 10 dB/s of elapsed time */
  lq_spectrum_view_set_decay (view, 10.0);
  lq_spectrum_view_handle_message (view, a);
  t0 = g_get_monotonic_time ();
  g_usleep (100000);
  t1 = g_get_monotonic_time ();
  lq_spectrum_view_handle_message (view, b);
  for (guint i = 0; i < N; i++)
    {
      double shown = lq_spectrum_view_get_displayed (view, i);
      double min_fall = 10.0 * (t1 - t0) / 1e6, max_fall = 10.0 * (g_get_monotonic_time () - t0 + 100000) / 1e6;

      g_assert_cmpfloat (lq_spectrum_view_get_level (view, i), ==, quiet[i]);
      g_assert_cmpfloat (shown, <=, mag[i] - min_fall + 1e-4);
      g_assert_cmpfloat (shown, >=, mag[i] - max_fall - 1e-4);
    }

  /* Log frequency axis: 20 Hz at 0, 20 kHz at the width, their geometric mean in the middle,
   * one decade per third */
  g_assert_cmpfloat_with_epsilon (lq_spectrum_view_x_for_frequency (view, 20.0, 600), 0.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (lq_spectrum_view_x_for_frequency (view, 20000.0, 600), 600.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (lq_spectrum_view_x_for_frequency (view, sqrt (20.0 * 20000.0), 600), 300.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (lq_spectrum_view_x_for_frequency (view, 200.0, 600), 200.0, 1e-9);

  /* The reference overlay is copied */
  lq_spectrum_view_set_reference (view, freqs, mag, N);
  g_assert_cmpuint (lq_spectrum_view_get_n_reference (view), ==, N);
  lq_spectrum_view_set_reference (view, NULL, NULL, 0);
  g_assert_cmpuint (lq_spectrum_view_get_n_reference (view), ==, 0);

  g_assert_finalize_object (view);
}

static void
test_phase_message (void)
{
  LqPhaseScope *scope = g_object_ref_sink (LQ_PHASE_SCOPE (lq_phase_scope_new ()));
  const float xy[] = { 0.1f, 0.2f, -0.3f, 0.4f, 0.5f, -0.6f };
  g_autoptr(GBytes) bytes = g_bytes_new (xy, sizeof xy);
  g_autoptr(GstStructure) s = gst_structure_new ("lqphase",
                                                 "correlation", G_TYPE_DOUBLE, -0.375,
                                                 "mid", G_TYPE_DOUBLE, -12.5,
                                                 "side", G_TYPE_DOUBLE, -18.25,
                                                 "scope-points", G_TYPE_UINT, 3,
                                                 "scope", G_TYPE_BYTES, bytes,
                                                 NULL);
  float l, r;

  g_assert_true (lq_phase_scope_handle_message (scope, s));
  g_assert_cmpfloat (lq_phase_scope_get_correlation (scope), ==, -0.375);
  g_assert_cmpfloat (lq_phase_scope_get_mid (scope), ==, -12.5);
  g_assert_cmpfloat (lq_phase_scope_get_side (scope), ==, -18.25);
  g_assert_cmpuint (lq_phase_scope_get_n_points (scope), ==, 3);
  lq_phase_scope_get_point (scope, 0, &l, &r);
  g_assert_cmpfloat (l, ==, 0.5f);
  g_assert_cmpfloat (r, ==, -0.6f);
  lq_phase_scope_get_point (scope, 2, &l, &r);
  g_assert_cmpfloat (l, ==, 0.1f);
  g_assert_cmpfloat (r, ==, 0.2f);

  /* The ring keeps the newest LQ_PHASE_SCOPE_POINTS pairs */
  for (guint k = 0; k < LQ_PHASE_SCOPE_POINTS / 3 + 2; k++)
    lq_phase_scope_handle_message (scope, s);
  g_assert_cmpuint (lq_phase_scope_get_n_points (scope), ==, LQ_PHASE_SCOPE_POINTS);
  lq_phase_scope_get_point (scope, 0, &l, &r);
  g_assert_cmpfloat (l, ==, 0.5f);

  g_assert_finalize_object (scope);
}

static void
keep (GstStructure **dest, const GstStructure *s)
{
  gst_clear_structure (dest);
  *dest = gst_structure_copy (s);
}

/* The real elements on a 997 Hz sine of amplitude 0.5 in both channels. Closed form
 * (BS.1770, libebur128's convention: a 0 dBFS 997 Hz sine in one channel reads -3.01 LUFS):
 * two channels at -6.02 dB read -3.01 - 6.02 + 3.01 = -6.02 LUFS; identical channels
 * correlate at +1 with no side signal. */
static void
test_live_pipeline (void)
{
  LqMetersPanel *panel = g_object_ref_sink (LQ_METERS_PANEL (lq_meters_panel_new ()));
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = gst_parse_launch (
    "audiotestsrc wave=sine freq=997 volume=0.5 samplesperbuffer=1024 num-buffers=235 ! "
    "audio/x-raw,format=F32LE,rate=48000,channels=1 ! audioconvert ! "
    "audio/x-raw,format=F32LE,rate=48000,channels=2 ! "
    "lqloudness ! lqspectrum ! lqphase ! fakesink sync=false", &error);
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstStructure) last_loudness = NULL, last_spectrum = NULL, last_phase = NULL;
  LqLoudnessView *loudness = lq_meters_panel_get_loudness (panel);
  LqSpectrumView *spectrum = lq_meters_panel_get_spectrum (panel);
  LqPhaseScope *phase = lq_meters_panel_get_phase (panel);
  guint n_messages = 0, n_handled = 0;
  double tp0;

  g_assert_no_error (error);
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  for (;;)
    {
      g_autoptr(GstMessage) msg = gst_bus_timed_pop_filtered (bus, 20 * GST_SECOND,
                                                              GST_MESSAGE_ELEMENT | GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
      const GstStructure *s;

      g_assert_nonnull (msg);
      g_assert_cmpint (GST_MESSAGE_TYPE (msg), !=, GST_MESSAGE_ERROR);
      if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS)
        break;
      s = gst_message_get_structure (msg);
      n_messages++;
      if (lq_meters_panel_handle_message (panel, s))
        n_handled++;
      if (gst_structure_has_name (s, "lqloudness"))
        keep (&last_loudness, s);
      else if (gst_structure_has_name (s, "lqspectrum"))
        keep (&last_spectrum, s);
      else if (gst_structure_has_name (s, "lqphase"))
        keep (&last_phase, s);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_test_message ("%u element messages, %u shown", n_messages, n_handled);
  g_assert_nonnull (last_loudness);
  g_assert_nonnull (last_spectrum);
  g_assert_nonnull (last_phase);
  g_assert_cmpuint (n_handled, ==, n_messages);

  /* The views show the last messages */
  {
    double v;
    guint n;
    const GValue *tp = gst_structure_get_value (last_loudness, "max-true-peak");
    GBytes *mag;
    gsize size;
    const float *levels;

    g_assert_true (gst_structure_get_double (last_loudness, "momentary", &v));
    g_assert_cmpfloat (lq_loudness_view_get_momentary (loudness), ==, v);
    g_assert_true (gst_structure_get_double (last_loudness, "short-term", &v));
    g_assert_cmpfloat (lq_loudness_view_get_short_term (loudness), ==, v);
    g_assert_true (gst_structure_get_double (last_loudness, "integrated", &v));
    g_assert_cmpfloat (lq_loudness_view_get_integrated (loudness), ==, v);
    g_assert_true (gst_structure_get_double (last_loudness, "loudness-range", &v));
    g_assert_cmpfloat (lq_loudness_view_get_loudness_range (loudness), ==, v);
    g_assert_true (gst_structure_get_double (last_loudness, "plr", &v));
    g_assert_cmpfloat (lq_loudness_view_get_plr (loudness), ==, v);
    g_assert_cmpuint (lq_loudness_view_get_n_channels (loudness), ==, gst_value_array_get_size (tp));
    for (guint c = 0; c < 2; c++)
      g_assert_cmpfloat (lq_loudness_view_get_true_peak_hold (loudness, c), ==,
                         g_value_get_double (gst_value_array_get_value (tp, c)));

    g_assert_true (gst_structure_get_uint (last_spectrum, "n-points", &n));
    g_assert_cmpuint (lq_spectrum_view_get_n_points (spectrum), ==, n);
    mag = g_value_get_boxed (gst_structure_get_value (last_spectrum, "magnitude"));
    levels = g_bytes_get_data (mag, &size);
    for (guint i = 0; i < n; i++)
      g_assert_cmpfloat (lq_spectrum_view_get_level (spectrum, i), ==, levels[i]);

    g_assert_true (gst_structure_get_double (last_phase, "correlation", &v));
    g_assert_cmpfloat (lq_phase_scope_get_correlation (phase), ==, v);
  }

  /* And those are the tone's closed-form values */
  g_assert_cmpfloat_with_epsilon (lq_loudness_view_get_integrated (loudness), 20 * log10 (0.5), 0.1);
  g_assert_cmpfloat_with_epsilon (lq_loudness_view_get_short_term (loudness), 20 * log10 (0.5), 0.1);
  tp0 = lq_loudness_view_get_true_peak_hold (loudness, 0);
  g_assert_cmpfloat_with_epsilon (tp0, 20 * log10 (0.5), 0.1);
  g_assert_cmpfloat_with_epsilon (lq_phase_scope_get_correlation (phase), 1.0, 0.01);
  /* Spectrum: the loudest band is the one around 997 Hz */
  {
    guint best = 0;

    for (guint i = 1; i < lq_spectrum_view_get_n_points (spectrum); i++)
      if (lq_spectrum_view_get_level (spectrum, i) > lq_spectrum_view_get_level (spectrum, best))
        best = i;
    g_assert_cmpfloat (fabs (log2 (lq_spectrum_view_get_frequency (spectrum, best) / 997.0)), <, 0.25);
  }

  g_assert_finalize_object (panel);
}

/* Drawn for real: the correlation bar runs from the centre to w/2 + c * w/2. */
static void
test_render (void)
{
  GtkWindow *window = g_object_ref_sink (GTK_WINDOW (gtk_window_new ()));
  GtkWidget *scope = lq_phase_scope_new ();
  g_autoptr(GstStructure) s = gst_structure_new ("lqphase", "correlation", G_TYPE_DOUBLE, 0.5,
                                                 "mid", G_TYPE_DOUBLE, -10.0, "side", G_TYPE_DOUBLE, -30.0, NULL);
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  GtkSnapshot *snapshot;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guchar *data = NULL;
  int w, h, y, first = -1, last = -1;
  gsize stride;

  gtk_window_set_child (window, scope);
  gtk_window_set_decorated (window, FALSE);
  gtk_window_set_default_size (window, WIDTH, HEIGHT);
  gtk_window_present (window);
  while (!lq_ui_test_is_mapped (scope) || gtk_widget_get_width (scope) != WIDTH)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  lq_phase_scope_handle_message (LQ_PHASE_SCOPE (scope), s);
  w = gtk_widget_get_width (scope);
  h = gtk_widget_get_height (scope);
  snapshot = gtk_snapshot_new ();
  GTK_WIDGET_GET_CLASS (scope)->snapshot (scope, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  stride = 4 * w;
  data = g_malloc0 (stride * h);
  gdk_texture_download (texture, data, stride);
  /* The bar's row: 14 px high, 4 px under the square scope, above a line of text */
  y = h - 16 - 6 - 14 + 4 + 7;
  for (int x = 0; x < w; x++)
    {
      guint32 v = *(guint32 *) (data + y * stride + 4 * x);
      int a = v >> 24, r = (v >> 16) & 0xff, g = (v >> 8) & 0xff;

      if (a > 200 && g > 150 && r < 150)
        {
          if (first < 0)
            first = x;
          last = x;
        }
    }
  g_test_message ("green bar from %d to %d of %d", first, last, w);
  g_assert_cmpint (abs (first - w / 2), <=, 2);
  g_assert_cmpint (abs (last - (w / 2 + w / 4)), <=, 2);

  gtk_window_destroy (window);
  g_assert_finalize_object (window);
}

/* The whole panel in a window, fed one message of each kind (a clip included), drawn */
static void
test_panel_draws (void)
{
  GtkWindow *window = g_object_ref_sink (GTK_WINDOW (gtk_window_new ()));
  LqMetersPanel *panel = LQ_METERS_PANEL (lq_meters_panel_new ());
  const double tp[2] = { -0.5, 0.2 }, sp[2] = { -0.7, 0.0 };
  enum { N = 32 };
  float freqs[N], mag[N];
  const float xy[] = { 0.1f, 0.2f, -0.3f, 0.4f };
  g_autoptr(GBytes) bytes = g_bytes_new (xy, sizeof xy);
  g_autoptr(GstStructure) ls = loudness_message (-9, -10, -11, 5, tp, tp, sp);
  g_autoptr(GstStructure) ss = NULL;
  g_autoptr(GstStructure) ps = gst_structure_new ("lqphase", "correlation", G_TYPE_DOUBLE, -0.2,
                                                  "mid", G_TYPE_DOUBLE, -10.0, "side", G_TYPE_DOUBLE, -12.0,
                                                  "scope", G_TYPE_BYTES, bytes, NULL);
  GtkWidget *views[3];
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  for (guint i = 0; i < N; i++)
    {
      freqs[i] = 20.0f * powf (1000.0f, i / (float) (N - 1));
      mag[i] = -30.0f - i;
    }
  ss = spectrum_message (freqs, mag, mag, N);
  gtk_window_set_child (window, GTK_WIDGET (panel));
  gtk_window_set_default_size (window, 1200, 240);
  gtk_window_present (window);
  views[0] = GTK_WIDGET (lq_meters_panel_get_loudness (panel));
  views[1] = GTK_WIDGET (lq_meters_panel_get_spectrum (panel));
  views[2] = GTK_WIDGET (lq_meters_panel_get_phase (panel));
  while (!gtk_widget_get_mapped (views[2]) || gtk_widget_get_width (views[2]) == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_true (lq_meters_panel_handle_message (panel, ls));
  g_assert_true (lq_meters_panel_handle_message (panel, ss));
  g_assert_true (lq_meters_panel_handle_message (panel, ps));
  lq_loudness_view_set_preset (LQ_LOUDNESS_VIEW (views[0]), lq_preset_lookup ("spotify"));
  g_assert_cmpuint (lq_loudness_view_get_clip_count (LQ_LOUDNESS_VIEW (views[0]), 1), ==, 1);
  for (guint v = 0; v < 3; v++)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();
      g_autoptr(GskRenderNode) node = NULL;

      g_assert_cmpint (gtk_widget_get_width (views[v]), >, 10);
      GTK_WIDGET_GET_CLASS (views[v])->snapshot (views[v], snapshot);
      node = gtk_snapshot_free_to_node (snapshot);
      g_assert_nonnull (node);
    }
  /* Let the window draw them too, and keep a picture of the panel as a test artifact */
  for (guint k = 0; k < 20; k++)
    g_main_context_iteration (NULL, FALSE);
  {
    GtkSnapshot *snapshot = gtk_snapshot_new ();
    g_autoptr(GskRenderNode) node = NULL;
    g_autoptr(GdkTexture) texture = NULL;
    g_autofree char *path = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".",
                                              "meters-panel.png", NULL);
    GdkRGBA bg = { 0.14, 0.14, 0.14, 1 };
    int w = gtk_widget_get_width (GTK_WIDGET (panel)), h = gtk_widget_get_height (GTK_WIDGET (panel));

    gtk_snapshot_append_color (snapshot, &bg, &GRAPHENE_RECT_INIT (0, 0, w, h));
    gtk_widget_snapshot_child (GTK_WIDGET (window), GTK_WIDGET (panel), snapshot);
    node = gtk_snapshot_free_to_node (snapshot);
    texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                           &GRAPHENE_RECT_INIT (0, 0, w, h));
    g_assert_true (gdk_texture_save_to_png (texture, path));
    g_test_message ("picture of the panel: %s", path);
  }

  gtk_window_destroy (window);
  g_assert_finalize_object (window);
}

/* Two 6 s tracks of a sine, 44.1 kHz; with @pregap, the 2 s pause a CD needs before track 1. */
static LqProject *
make_project (const char *dir, gboolean pregap)
{
  LqProject *project = lq_project_new ();

  lq_project_set_title (project, "Export Test");
  for (guint t = 0; t < 2; t++)
    {
      g_autofree char *name = g_strdup_printf ("track%u.wav", t);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(LqTrack) track = NULL;
      gsize frames = 6 * 44100;
      g_autofree float *audio = g_new (float, 2 * frames);

      lq_synth_sine (audio, frames, 2, 44100, 440.0 * (t + 1), 0.25, 0.0);
      g_assert_true (lq_wav_write_file (file, audio, frames, 2, 44100, LQ_WAV_FLOAT32, NULL, NULL));
      track = lq_track_new (file);
      g_assert_true (lq_track_probe (track, NULL, NULL));
      g_object_set (track, "pause", (guint64) (t == 0 && pregap ? 2 * 44100 : 0), NULL);
      lq_project_append_track (project, track);
    }
  return project;
}

static gboolean
report_ready (LqExportDialog *dialog)
{
  return lq_export_dialog_get_report_text (dialog) != NULL;
}

static void
run_export (LqExportDialog *dialog, const char *dir)
{
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  /* No destination yet: nothing to export */
  g_assert_false (lq_export_dialog_can_export (dialog));
  lq_export_dialog_set_destination (dialog, folder);
  g_assert_true (lq_export_dialog_can_export (dialog));
  lq_export_dialog_start (dialog);
  g_assert_false (lq_export_dialog_can_export (dialog));
  while (!report_ready (dialog))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_test_message ("%s", lq_export_dialog_get_report_text (dialog));
}

static void
test_export_ddp (void)
{
  g_autofree char *dir = g_dir_make_tmp ("lq-export-XXXXXX", NULL);
  g_autoptr(LqProject) project = make_project (dir, TRUE);
  LqExportDialog *dialog = lq_export_dialog_new (NULL, project, LQ_EXPORT_DDP, NULL);
  g_autofree char *out_path = NULL, *cli_out = NULL, *cli_err = NULL;

  const char *cli = g_getenv ("LACQUER_CLI");
  int status = -1;

  run_export (dialog, dir);
  g_assert_true (lq_export_dialog_get_passed (dialog));
  out_path = g_file_get_path (lq_export_dialog_get_output (dialog));
  g_assert_true (g_file_test (out_path, G_FILE_TEST_IS_DIR));
  if (cli != NULL)
    {
      const char *argv[] = { cli, "verify", "ddp", out_path, NULL };

      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                   &cli_out, &cli_err, &status, NULL));
      g_test_message ("lacquer-cli verify: %s%s", cli_out, cli_err);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
    }
  gtk_window_destroy (GTK_WINDOW (dialog));
  lq_test_remove_tree (dir);
}

/* Without the pre-gap the Red Book check fails, and the dialog will not export */
static void
test_export_blocked (void)
{
  g_autofree char *dir = g_dir_make_tmp ("lq-export-XXXXXX", NULL);
  g_autoptr(LqProject) project = make_project (dir, FALSE);
  LqExportDialog *dialog = lq_export_dialog_new (NULL, project, LQ_EXPORT_DDP, NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);

  lq_export_dialog_set_destination (dialog, folder);
  g_assert_false (lq_export_dialog_can_export (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));
  lq_test_remove_tree (dir);
}

static void
test_export_streaming (void)
{
  g_autofree char *dir = g_dir_make_tmp ("lq-export-XXXXXX", NULL);
  g_autoptr(LqProject) project = make_project (dir, TRUE);
  LqExportDialog *dialog = lq_export_dialog_new (NULL, project, LQ_EXPORT_STREAMING, "spotify");
  g_autofree char *out_path = NULL;
  const char *text;
  guint n_flac = 0;
  GDir *d;
  const char *name;

  run_export (dialog, dir);
  text = lq_export_dialog_get_report_text (dialog);
  g_assert_nonnull (strstr (text, "Spotify"));
  /* Sines of amplitude 0.25 in both channels read about -12 LUFS (BS.1770: -3.01 dB for a
   * full-scale sine per channel, +3.01 for two, -12.04 for the amplitude), 2 LU above
   * Spotify's -14 with a 0.5 LU tolerance: the report must fail it */
  g_assert_false (lq_export_dialog_get_passed (dialog));
  out_path = g_file_get_path (lq_export_dialog_get_output (dialog));
  d = g_dir_open (out_path, 0, NULL);
  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)))
    n_flac += g_str_has_suffix (name, ".flac");
  g_dir_close (d);
  g_assert_cmpuint (n_flac, ==, 2);
  gtk_window_destroy (GTK_WINDOW (dialog));
  lq_test_remove_tree (dir);
}

static void
test_export_cancel (void)
{
  g_autofree char *dir = g_dir_make_tmp ("lq-export-XXXXXX", NULL);
  g_autoptr(LqProject) project = make_project (dir, TRUE);
  LqExportDialog *dialog = lq_export_dialog_new (NULL, project, LQ_EXPORT_DDP, NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autofree char *out_path = NULL;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  lq_export_dialog_set_destination (dialog, folder);
  lq_export_dialog_start (dialog);
  lq_export_dialog_cancel (dialog);
  while (!report_ready (dialog))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_false (lq_export_dialog_get_passed (dialog));
  out_path = g_file_get_path (lq_export_dialog_get_output (dialog));
  /* A cancelled export leaves nothing behind */
  g_assert_false (g_file_test (out_path, G_FILE_TEST_EXISTS));
  gtk_window_destroy (GTK_WINDOW (dialog));
  lq_test_remove_tree (dir);
}

/* Only with -m perf: the first 20 s of the demo album (its full chains) played by LqPlayer
 * into a synchronised fakesink, the meters panel following it in a window; prints the process's CPU
 * time (user + system) over those 20 s as a share of one core. */
static void
test_cpu (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(GFile) folder = NULL, file = NULL;
  g_autoptr(LqProject) project = NULL;
  g_autoptr(LqPlayer) player = NULL;
  g_autoptr(GError) error = NULL;
  GtkWindow *window;
  GtkWidget *panel;
  GstElement *sink;
  struct rusage r0, r1;
  gint64 t0, t1, end;
  guint n_loudness = 0;
  double cpu;

  if (!g_test_perf ())
    {
      g_test_skip ("a measurement: run with -m perf");
      return;
    }
  dir = g_dir_make_tmp ("lq-cpu-XXXXXX", NULL);
  folder = g_file_new_for_path (dir);
  file = lq_demo_write_project (folder, NULL, &error);
  g_assert_no_error (error);
  project = lq_project_load (file, NULL, &error);
  g_assert_no_error (error);
  sink = gst_element_factory_make ("fakesink", NULL);
  g_object_set (sink, "sync", TRUE, NULL);
  player = lq_player_new (project, sink, &error);
  g_assert_no_error (error);

  window = g_object_ref_sink (GTK_WINDOW (gtk_window_new ()));
  panel = lq_meters_panel_new ();
  gtk_window_set_child (window, panel);
  gtk_window_set_default_size (window, 1280, 220);
  gtk_window_present (window);
  /* LQ_CPU_NO_VIEWS=1: the same playback with the panel not following it, for the baseline */
  if (g_getenv ("LQ_CPU_NO_VIEWS") == NULL)
    lq_meters_panel_set_player (LQ_METERS_PANEL (panel), player);

  g_assert_true (lq_player_play (player));
  /* 20 s measured from the start of playback: this includes the reader's workers rendering
   * the first tracks through their chains ahead of the play position */
  getrusage (RUSAGE_SELF, &r0);
  t0 = g_get_monotonic_time ();
  end = t0 + 20 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  getrusage (RUSAGE_SELF, &r1);
  t1 = g_get_monotonic_time ();
  n_loudness = lq_loudness_view_get_n_history (lq_meters_panel_get_loudness (LQ_METERS_PANEL (panel)));
  cpu = ((r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) + (r1.ru_stime.tv_sec - r0.ru_stime.tv_sec)
         + ((r1.ru_utime.tv_usec - r0.ru_utime.tv_usec) + (r1.ru_stime.tv_usec - r0.ru_stime.tv_usec)) / 1e6)
        / ((t1 - t0) / 1e6);
  g_test_minimized_result (cpu * 100, "playback with the meters: %.1f %% of one core (%u loudness messages shown)",
                           cpu * 100, n_loudness);
  g_test_message ("CPU %.1f %% of one core over %.1f s; %u loudness messages; played to %.1f s",
                  cpu * 100, (t1 - t0) / 1e6, n_loudness, lq_player_get_position (player) / 44100.0);
  g_assert_true (n_loudness > 0 || g_getenv ("LQ_CPU_NO_VIEWS") != NULL);
  lq_player_stop (player);
  lq_meters_panel_set_player (LQ_METERS_PANEL (panel), NULL);
  gtk_window_destroy (window);
  g_object_unref (window);
  lq_test_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  lq_ui_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lq/ui/meters/loudness-message", test_loudness_message);
  g_test_add_func ("/lq/ui/meters/loudness-services", test_loudness_services);
  g_test_add_func ("/lq/ui/meters/spectrum-message", test_spectrum_message);
  g_test_add_func ("/lq/ui/meters/spectrum-source", test_spectrum_source);
  g_test_add_func ("/lq/ui/meters/phase-message", test_phase_message);
  g_test_add_func ("/lq/ui/meters/live-pipeline", test_live_pipeline);
  g_test_add_func ("/lq/ui/meters/render", test_render);
  g_test_add_func ("/lq/ui/meters/panel-draws", test_panel_draws);
  g_test_add_func ("/lq/ui/export/ddp", test_export_ddp);
  g_test_add_func ("/lq/ui/export/blocked", test_export_blocked);
  g_test_add_func ("/lq/ui/export/streaming", test_export_streaming);
  g_test_add_func ("/lq/ui/export/cancel", test_export_cancel);
  g_test_add_func ("/lq/ui/meters/cpu", test_cpu);

  return g_test_run ();
}
