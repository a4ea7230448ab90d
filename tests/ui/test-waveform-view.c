/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The waveform view drawn for real and read back as pixels: peak heights follow the signal's
 * amplitude (sines of 0.25, 0.5 and 0.95, and a sine clipped at full scale), clipped samples
 * are marked red, samples over the ceiling orange, the outline after gain follows the gain; a
 * click seeks to the sample under it, a drag selects a loop region, a wheel step and a pinch
 * move and zoom the view; the processed outline
 * from a track's processed peaks (a limiter at -12 dBTP on a 0.5 sine draws it at 0.25) once
 * they are built, dropped at once and rebuilt (once, debounced) after chain edits, found again
 * without a build after an undo; and the frame time while zooming a 60-minute album (printed,
 * never asserted). */
#include "config.h"

#include <math.h>

#include <adwaita.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

#include "lq-ui-test-util.h"
#include "lq-elements.h"
#include "lq-synth.h"
#include "lq-wav.h"
#include "lq-waveform-view.h"

#define RATE 44100
#define WIDTH 800
#define HEIGHT 300

static LqPeakCache *
make_sine_peaks (double amplitude, double seconds)
{
  g_autoptr(LqPeakCacheBuilder) builder = lq_peak_cache_builder_new (2, RATE);
  gsize frames = (gsize) (seconds * RATE);
  g_autofree float *buf = g_new (float, 2 * frames);

  /* Above 1, the sine is clipped at full scale (a square-topped wave). */
  lq_synth_sine (buf, frames, 2, RATE, 441.0, amplitude, 0.0);
  for (gsize i = 0; i < 2 * frames; i++)
    buf[i] = CLAMP (buf[i], -1.f, 1.f);
  lq_peak_cache_builder_add (builder, buf, frames);
  return lq_peak_cache_builder_end (g_steal_pointer (&builder));
}

typedef struct
{
  guchar *data;
  gsize stride;
} Pixels;

static void
pixels_clear (Pixels *p)
{
  g_clear_pointer (&p->data, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Pixels, pixels_clear)

static GskRenderNode *
snapshot_view (GtkWidget *view)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();

  GTK_WIDGET_GET_CLASS (view)->snapshot (view, snapshot);
  return gtk_snapshot_free_to_node (snapshot);
}

static void
render (GtkWidget *view, Pixels *p)
{
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (view));
  g_autoptr(GskRenderNode) node = snapshot_view (view);
  g_autoptr(GdkTexture) texture = NULL;

  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, WIDTH, HEIGHT));
  p->stride = 4 * WIDTH;
  p->data = g_malloc0 (p->stride * HEIGHT);
  gdk_texture_download (texture, p->data, p->stride);
}

/* Cairo's ARGB32 (premultiplied, native endian): unpremultiplied channels 0..255. */
static void
pixel (const Pixels *p, int x, int y, int *r, int *g, int *b, int *a)
{
  guint32 v = *(guint32 *) (p->data + y * p->stride + 4 * x);

  *a = v >> 24;
  *r = *a ? ((v >> 16) & 0xff) * 255 / *a : 0;
  *g = *a ? ((v >> 8) & 0xff) * 255 / *a : 0;
  *b = *a ? (v & 0xff) * 255 / *a : 0;
}

static gboolean
is_wave (const Pixels *p, int x, int y)
{
  int r, g, b, a;

  pixel (p, x, y, &r, &g, &b, &a);
  return a > 100 && b > r + 50;
}

static gboolean
is_red_mark (const Pixels *p, int x, int y)
{
  int r, g, b, a;

  pixel (p, x, y, &r, &g, &b, &a);
  return a >= 250 && r > 200 && g < 70 && b < 70;
}

static gboolean
is_orange_mark (const Pixels *p, int x, int y)
{
  int r, g, b, a;

  pixel (p, x, y, &r, &g, &b, &a);
  return a >= 250 && r > 200 && g > 90 && g < 150 && b < 50;
}

/* The first run of waveform pixels from the top of column @x (the upper lane): its top and
 * bottom rows. */
static void
wave_extent (const Pixels *p, int x, int *top, int *bottom)
{
  *top = *bottom = -1;
  for (int y = 0; y < HEIGHT; y++)
    {
      if (is_wave (p, x, y))
        {
          if (*top < 0)
            *top = y;
          *bottom = y;
        }
      else if (*top >= 0 && y - *bottom > 3)
        break;
    }
  g_assert_cmpint (*top, >=, 0);
}

static int
count_marks (const Pixels *p, int x0, int x1, gboolean (*is_mark) (const Pixels *, int, int))
{
  int n = 0;

  for (int x = x0; x < x1; x++)
    for (int y = 0; y < HEIGHT; y++)
      n += is_mark (p, x, y);
  return n;
}

typedef struct
{
  GtkWindow *window;
  GtkWidget *view;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->window = GTK_WINDOW (gtk_window_new ());
  g_object_ref_sink (f->window);
  f->view = lq_waveform_view_new ();
  gtk_window_set_child (f->window, f->view);
  gtk_window_set_decorated (f->window, FALSE);
  gtk_window_set_default_size (f->window, WIDTH, HEIGHT);
  gtk_window_present (f->window);
  lq_test_wait_for (lq_ui_test_is_mapped, f->view, 20);
  while (gtk_widget_get_width (f->view) != WIDTH || gtk_widget_get_height (f->view) != HEIGHT)
    g_main_context_iteration (NULL, TRUE);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (f->window);
  g_assert_finalize_object (f->window);
}

static void
test_levels (Fixture *f, gconstpointer data)
{
  /* Four 2 s segments side by side: 200 px each. */
  static const double amplitudes[] = { 0.5, 0.25, 2.0 /* clipped */, 0.95 };
  LqPeakCache *peaks[4];
  LqWaveformSegment segs[4] = { { 0 } };
  g_auto(Pixels) p = { 0 };
  int top[4], bottom[4], height[4];
  double half;

  for (guint i = 0; i < 4; i++)
    {
      peaks[i] = make_sine_peaks (amplitudes[i], 2.0);
      segs[i].start = i * 2 * RATE;
      segs[i].length = 2 * RATE;
      segs[i].source_ratio = 1.0;
      segs[i].peaks = peaks[i];
      segs[i].track = i;
      segs[i].number = i + 1;
    }
  lq_waveform_view_set_segments (LQ_WAVEFORM_VIEW (f->view), segs, 4, 8 * RATE, RATE);
  lq_waveform_view_set_show_processed (LQ_WAVEFORM_VIEW (f->view), FALSE);
  g_assert_cmpuint (lq_waveform_view_get_view_start (LQ_WAVEFORM_VIEW (f->view)), ==, 0);
  g_assert_cmpuint (lq_waveform_view_get_view_end (LQ_WAVEFORM_VIEW (f->view)), ==, 8 * RATE);
  g_assert_cmpfloat_with_epsilon (lq_waveform_view_get_ceiling (LQ_WAVEFORM_VIEW (f->view)), -1.0, 1e-9);
  render (f->view, &p);

  for (guint i = 0; i < 4; i++)
    {
      wave_extent (&p, 200 * i + 100, &top[i], &bottom[i]);
      height[i] = bottom[i] - top[i] + 1;
      g_test_message ("amplitude %.2f: rows %d..%d (%d px)", MIN (amplitudes[i], 1.0), top[i], bottom[i], height[i]);
    }
  /* The peak heights follow the amplitudes: a column spans 2 a h + 1 pixels for a peak a and
   * a lane half-height h, measured here on the 0.95 sine. (The clipped sine reaches the lane's
   * edges, where its red marks cover it.) */
  half = (height[3] - 1) / 2.0 / 0.95;
  g_assert_cmpfloat (half, >, 40);
  for (guint i = 0; i < 2; i++)
    g_assert_cmpfloat (fabs ((height[i] - 1) / 2.0 - amplitudes[i] * half), <=, 1.0);
  g_assert_cmpint (top[2], <, top[3]);
  g_assert_cmpint (bottom[2], >, bottom[3]);
  /* All centred on the same line */
  for (guint i = 0; i < 4; i++)
    g_assert_cmpfloat (fabs ((top[i] + bottom[i]) / 2.0 - (top[3] + bottom[3]) / 2.0), <=, 1.0);

  /* Marks: red only on the clipped segment; orange on the 0.95 one (-0.45 dBFS, over the
   * -1 dBFS ceiling); none on 0.5 and 0.25. */
  g_assert_cmpint (count_marks (&p, 400, 600, is_red_mark), >, 100);
  g_assert_cmpint (count_marks (&p, 0, 400, is_red_mark), ==, 0);
  g_assert_cmpint (count_marks (&p, 600, 800, is_red_mark), ==, 0);
  g_assert_cmpint (count_marks (&p, 600, 800, is_orange_mark), >, 100);
  g_assert_cmpint (count_marks (&p, 0, 400, is_orange_mark), ==, 0);

  /* With a ceiling of 0 dBFS, 0.95 is no longer over it. */
  lq_waveform_view_set_ceiling (LQ_WAVEFORM_VIEW (f->view), 0.0);
  pixels_clear (&p);
  render (f->view, &p);
  g_assert_cmpint (count_marks (&p, 600, 800, is_orange_mark), ==, 0);
  g_assert_cmpint (count_marks (&p, 400, 600, is_red_mark), >, 100);

  /* The outline after the sequencer's gain: -6.02 dB on the 0.5 sine draws it at 0.25. */
  segs[0].fades.gain_db = 20 * log10 (0.5);
  lq_waveform_view_set_segments (LQ_WAVEFORM_VIEW (f->view), segs, 4, 8 * RATE, RATE);
  lq_waveform_view_set_show_processed (LQ_WAVEFORM_VIEW (f->view), TRUE);
  pixels_clear (&p);
  render (f->view, &p);
  {
    double centre = (top[3] + bottom[3]) / 2.0;
    int expected = (int) lround (centre - 0.25 * half);
    int found = -1;

    for (int y = top[3]; y <= (int) centre; y++)
      {
        int r, g, b, a;
        pixel (&p, 100, y, &r, &g, &b, &a);
        /* the foreground colour (dark on light, light on dark), not the blue fill */
        if (a > 150 && abs (r - b) < 40 && abs (g - b) < 40 && !is_wave (&p, 100, y))
          {
            found = y;
            break;
          }
      }
    g_test_message ("outline at row %d, expected %d", found, expected);
    g_assert_cmpint (abs (found - expected), <=, 2);
  }

  for (guint i = 0; i < 4; i++)
    lq_peak_cache_unref (peaks[i]);
}

static void
seek_cb (LqWaveformView *view, guint64 sample, guint64 *out)
{
  *out = sample;
}

static void
loop_cb (LqWaveformView *view, guint64 start, guint64 end, guint64 *out)
{
  out[0] = start;
  out[1] = end;
}

static void
test_click_and_zoom (Fixture *f, gconstpointer data)
{
  g_autoptr(LqPeakCache) peaks = make_sine_peaks (0.5, 10.0);
  LqWaveformSegment seg = { 0, 10 * RATE, 0, 1.0, peaks, 0, 1, { 0 } };
  LqWaveformView *view = LQ_WAVEFORM_VIEW (f->view);
  GtkGesture *drag = GTK_GESTURE (lq_ui_test_find_controller (f->view, GTK_TYPE_GESTURE_DRAG));
  guint64 seek = G_MAXUINT64, loop[2] = { 0, 0 };

  lq_waveform_view_set_segments (view, &seg, 1, 10 * RATE, RATE);
  g_signal_connect (view, "seek", G_CALLBACK (seek_cb), &seek);
  g_signal_connect (view, "loop-selected", G_CALLBACK (loop_cb), loop);
  g_assert_nonnull (drag);

  /* A click at 3/4 of the width: 7.5 s. */
  g_signal_emit_by_name (drag, "drag-begin", 600.0, 150.0);
  g_signal_emit_by_name (drag, "drag-end", 0.0, 0.0);
  g_assert_cmpfloat (fabs ((double) seek - 7.5 * RATE), <=, RATE * 10.0 / WIDTH);

  /* A drag from 2 s to 4 s (160 to 320 px) selects that loop region. */
  seek = G_MAXUINT64;
  g_signal_emit_by_name (drag, "drag-begin", 160.0, 150.0);
  g_signal_emit_by_name (drag, "drag-update", 80.0, 0.0);
  g_signal_emit_by_name (drag, "drag-end", 160.0, 0.0);
  g_assert_cmpuint (seek, ==, G_MAXUINT64);
  g_assert_cmpfloat (fabs ((double) loop[0] - 2.0 * RATE), <=, RATE * 10.0 / WIDTH);
  g_assert_cmpfloat (fabs ((double) loop[1] - 4.0 * RATE), <=, RATE * 10.0 / WIDTH);

  /* Zooming in by 2 around the middle shows 2.5 s .. 7.5 s; zooming out past the album shows it
   * all; the deepest zoom stops at 32 samples a pixel. */
  lq_waveform_view_zoom (view, 0.5, WIDTH / 2.0);
  g_assert_cmpfloat (fabs ((double) lq_waveform_view_get_view_start (view) - 2.5 * RATE), <=, 1);
  g_assert_cmpfloat (fabs ((double) lq_waveform_view_get_view_end (view) - 7.5 * RATE), <=, 1);
  g_assert_cmpfloat (fabs ((double) lq_waveform_view_x_to_sample (view, 0) - 2.5 * RATE), <=, 1);
  /* A wheel step moves a tenth of the view (0.5 s), back past the start stops there. */
  {
    GtkEventController *scroll = lq_ui_test_find_controller (f->view, GTK_TYPE_EVENT_CONTROLLER_SCROLL);
    GtkGesture *pinch = GTK_GESTURE (lq_ui_test_find_controller (f->view, GTK_TYPE_GESTURE_ZOOM));
    gboolean handled = FALSE;

    g_assert_nonnull (scroll);
    g_assert_nonnull (pinch);
    g_signal_emit_by_name (scroll, "scroll", 0.0, 1.0, &handled);
    g_assert_true (handled);
    g_assert_cmpfloat (fabs ((double) lq_waveform_view_get_view_start (view) - 3.0 * RATE), <=, 1);
    g_assert_cmpfloat (fabs ((double) lq_waveform_view_get_view_end (view) - 8.0 * RATE), <=, 1);
    g_signal_emit_by_name (scroll, "scroll", 0.0, -10.0, &handled);
    g_assert_cmpuint (lq_waveform_view_get_view_start (view), ==, 0);
    g_assert_cmpfloat (fabs ((double) lq_waveform_view_get_view_end (view) - 5.0 * RATE), <=, 1);
    /* A pinch spreading the fingers to twice their distance halves the view, around the
     * middle (no touch points here). */
    g_signal_emit_by_name (pinch, "begin", NULL);
    g_signal_emit_by_name (pinch, "scale-changed", 2.0);
    g_assert_cmpfloat (fabs ((double) lq_waveform_view_get_view_start (view) - 1.25 * RATE), <=, 1);
    g_assert_cmpfloat (fabs ((double) lq_waveform_view_get_view_end (view) - 3.75 * RATE), <=, 1);
  }
  lq_waveform_view_zoom (view, 10.0, 0);
  g_assert_cmpuint (lq_waveform_view_get_view_start (view), ==, 0);
  g_assert_cmpuint (lq_waveform_view_get_view_end (view), ==, 10 * RATE);
  lq_waveform_view_zoom (view, 1e-6, 100);
  g_assert_cmpuint (lq_waveform_view_get_view_end (view) - lq_waveform_view_get_view_start (view), ==, 32 * WIDTH);
}

/* ---- Processed peaks ---- */

static gboolean
has_processed (gpointer data)
{
  return lq_waveform_view_get_processed_peaks (data, 0) != NULL;
}

/* The highest sample of a processed cache, all channels. */
static double
cache_peak (LqPeakCache *cache)
{
  double peak = 0;

  for (guint c = 0; c < lq_peak_cache_get_channels (cache); c++)
    {
      float min, max;
      lq_peak_cache_read (cache, c, 0, lq_peak_cache_get_n_frames (cache), 1, &min, &max, NULL);
      peak = MAX (peak, MAX (max, -min));
    }
  return peak;
}

/* The first outline pixel (the foreground colour, not the blue fill) in column @x from row
 * @from down to @to. */
static int
find_outline (const Pixels *p, int x, int from, int to)
{
  for (int y = from; y <= to; y++)
    {
      int r, g, b, a;
      pixel (p, x, y, &r, &g, &b, &a);
      if (a > 150 && abs (r - b) < 40 && abs (g - b) < 40 && !is_wave (p, x, y))
        return y;
    }
  return -1;
}

static void
test_processed (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = g_dir_make_tmp ("lq-wave-processed-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "sine.wav", NULL);
  g_autofree char *cache_dir = g_build_filename (dir, "peaks", NULL);
  g_autoptr(GFile) wav = g_file_new_for_path (path);
  g_autofree float *audio = g_new (float, 2 * 4 * RATE);
  g_autoptr(LqProject) project = lq_project_new ();
  g_autoptr(LqTrack) track = lq_track_new (wav);
  g_autoptr(LqChainElement) limiter = lq_chain_element_new ("lqlimiter");
  g_autoptr(LqPeakStore) store = lq_peak_store_new (cache_dir);
  g_autoptr(LqAlbumLayout) layout = lq_album_layout_new (store);
  LqWaveformView *view = LQ_WAVEFORM_VIEW (f->view);
  g_autoptr(GError) error = NULL;
  g_auto(Pixels) p = { 0 };
  LqPeakCache *first, *second;
  const LqPlacement *placement;
  int x, top, bottom, found;
  double centre, half;

  /* 4 s of a 0.5 sine through a limiter at -12 dBTP (0.251). */
  lq_synth_sine (audio, 4 * RATE, 2, RATE, 441.0, 0.5, 0.0);
  g_assert_true (lq_wav_write_file (wav, audio, 4 * RATE, 2, RATE, LQ_WAV_FLOAT32, NULL, &error));
  g_assert_no_error (error);
  g_object_set (project, "rate", RATE, NULL);
  g_assert_true (lq_track_probe (track, NULL, &error));
  lq_chain_element_set_double (limiter, "ceiling", -12.0);
  lq_chain_element_set_double (limiter, "drive", 0.0);
  lq_chain_append (lq_track_get_chain (track), limiter);
  lq_project_append_track (project, track);

  lq_peak_store_set_processed_delay (store, 50);
  lq_album_layout_set_project (layout, project);
  lq_waveform_view_set_layout (view, layout);
  lq_waveform_view_set_show_processed (view, TRUE);
  g_assert_null (lq_waveform_view_get_processed_peaks (view, 0));

  /* Built in the background: the view gets it. */
  lq_test_wait_for (has_processed, view, 20);
  first = lq_waveform_view_get_processed_peaks (view, 0);
  g_assert_true (first == lq_album_layout_get_processed_peaks (layout, track));
  g_assert_cmpuint (lq_peak_store_get_n_processed_builds (store), ==, 1);
  g_test_message ("processed peak %.4f (ceiling %.4f)", cache_peak (first), pow (10, -12 / 20.0));
  g_assert_cmpfloat (cache_peak (first), <=, pow (10, -12 / 20.0) * (1 + 1e-6));
  g_assert_cmpfloat (cache_peak (first), >, 0.2);

  /* Drawn: the outline at 0.25 inside the 0.5 sine, in the middle of the track. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  render (f->view, &p);
  placement = lq_album_layout_find_track (layout, 0);
  x = (int) lq_waveform_view_sample_to_x (view, placement->start + 2 * RATE);
  wave_extent (&p, x, &top, &bottom);
  centre = (top + bottom) / 2.0;
  half = (bottom - top) / 2.0 / 0.5;
  found = find_outline (&p, x, top, (int) centre);
  g_test_message ("source rows %d..%d, outline at row %d, expected %.1f", top, bottom, found, centre - 0.25 * half);
  g_assert_cmpint (found, >=, 0);
  g_assert_cmpfloat (fabs (found - (centre - 0.25 * half)), <=, 2.0);

  /* Chain edits: the stale peaks go at once (the view falls back), three quick edits make one
   * rebuild. */
  lq_chain_element_set_double (limiter, "ceiling", -16.0);
  g_assert_null (lq_waveform_view_get_processed_peaks (view, 0));
  lq_chain_element_set_double (limiter, "ceiling", -18.0);
  lq_chain_element_set_double (limiter, "ceiling", -20.0);
  lq_test_wait_for (has_processed, view, 20);
  second = lq_waveform_view_get_processed_peaks (view, 0);
  g_assert_true (second != first);
  g_assert_cmpuint (lq_peak_store_get_n_processed_builds (store), ==, 2);
  g_assert_cmpfloat (cache_peak (second), <=, pow (10, -20 / 20.0) * (1 + 1e-6));

  /* Back to -12 dB (as an undo would): found again at once, without a build. */
  lq_chain_element_set_double (limiter, "ceiling", -12.0);
  g_assert_true (lq_waveform_view_get_processed_peaks (view, 0) == first);
  lq_test_iterate (200);
  g_assert_cmpuint (lq_peak_store_get_n_processed_builds (store), ==, 2);

  /* Without the overlay: the processed peaks are kept but not drawn. */
  lq_waveform_view_set_show_processed (view, FALSE);
  pixels_clear (&p);
  render (f->view, &p);
  g_assert_cmpint (find_outline (&p, x, top, (int) centre), ==, -1);

  lq_waveform_view_set_layout (view, NULL);
  lq_album_layout_set_project (layout, NULL);
  lq_test_remove_tree (dir);
}

/* ---- Frame time ---- */

/* Music-like peaks; @limit < 1 clamps the samples as a stand-in for a limited track. */
static LqPeakCache *
make_music_peaks (double seconds, double gain, float limit)
{
  g_autoptr(LqPeakCacheBuilder) builder = lq_peak_cache_builder_new (2, RATE);
  g_autofree float *sine = g_new (float, 2 * RATE);
  g_autofree float *noise = g_new (float, 2 * RATE);

  /* One second at a time: a sine under noise whose level changes every second. */
  for (guint s = 0; s < (guint) seconds; s++)
    {
      lq_synth_sine (sine, RATE, 2, RATE, 110.0 + s % 7 * 30, 0.3, 0.0);
      lq_synth_noise (noise, RATE, 2, 0.05 + 0.6 * ((s * 37) % 11) / 11.0, s + 1);
      for (guint i = 0; i < 2 * RATE; i++)
        sine[i] = CLAMP ((sine[i] + noise[i]) * (float) gain, -limit, limit);
      lq_peak_cache_builder_add (builder, sine, RATE);
    }
  return lq_peak_cache_builder_end (g_steal_pointer (&builder));
}

typedef struct
{
  double snapshot_ms;
  double render_ms;
  double worst_ms;
} Timing;

static Timing
time_frames (GtkWidget *view, guint n_frames, gboolean zoom, gboolean playhead)
{
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (view));
  LqWaveformView *wv = LQ_WAVEFORM_VIEW (view);
  guint64 length = lq_waveform_view_get_length (wv);
  Timing t = { 0, 0, 0 };

  for (guint i = 0; i < n_frames; i++)
    {
      gint64 t0, t1, t2;
      g_autoptr(GskRenderNode) node = NULL;
      g_autoptr(GdkTexture) texture = NULL;

      if (zoom)
        /* From the whole album down to 10 s, in steps of a constant ratio */
        lq_waveform_view_zoom (wv, pow (10.0 * RATE / length, 1.0 / n_frames), WIDTH / 3.0);
      if (playhead)
        lq_waveform_view_set_position (wv, lq_waveform_view_get_view_start (wv) + i * 1000);
      t0 = g_get_monotonic_time ();
      node = snapshot_view (view);
      t1 = g_get_monotonic_time ();
      texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, WIDTH, HEIGHT));
      t2 = g_get_monotonic_time ();
      t.snapshot_ms += (t1 - t0) / 1000.0;
      t.render_ms += (t2 - t1) / 1000.0;
      t.worst_ms = MAX (t.worst_ms, (t2 - t0) / 1000.0);
    }
  t.snapshot_ms /= n_frames;
  t.render_ms /= n_frames;
  return t;
}

static void
test_frame_time (Fixture *f, gconstpointer data)
{
  /* 60 minutes: 15 tracks of 4 minutes with 2 s pauses (one 4-minute peak cache shared). */
  g_autoptr(LqPeakCache) peaks = make_music_peaks (240.0, 1.0, 1.0f);
  g_autoptr(LqPeakCache) processed = make_music_peaks (240.0, 2.0, 0.7f);
  LqWaveformSegment segs[15];
  guint64 at = 0;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (f->view));
  Timing zooming, playing, short_album, overlay;

  for (guint i = 0; i < 15; i++)
    {
      memset (&segs[i], 0, sizeof segs[i]);
      at += 2 * RATE;
      segs[i].start = at;
      segs[i].length = 240 * RATE;
      segs[i].source_ratio = 1.0;
      segs[i].peaks = peaks;
      segs[i].track = i;
      segs[i].number = i + 1;
      segs[i].fades.out_length = 5 * RATE;
      segs[i].fades.out_curve = LQ_FADE_S_CURVE;
      at += segs[i].length;
    }
  lq_waveform_view_set_segments (LQ_WAVEFORM_VIEW (f->view), segs, 15, at, RATE);

  zooming = time_frames (f->view, 120, TRUE, TRUE);
  playing = time_frames (f->view, 120, FALSE, TRUE);

  /* The same zoom with every track's processed peaks drawn as the outline over the source. */
  for (guint i = 0; i < 15; i++)
    segs[i].processed = processed;
  lq_waveform_view_set_segments (LQ_WAVEFORM_VIEW (f->view), segs, 15, at, RATE);
  lq_waveform_view_zoom_to_fit (LQ_WAVEFORM_VIEW (f->view));
  overlay = time_frames (f->view, 120, TRUE, TRUE);
  for (guint i = 0; i < 15; i++)
    segs[i].processed = NULL;

  /* The same width over one minute of audio: the frame costs the same (O(width)). */
  segs[0].start = 0;
  segs[0].length = 60 * RATE;
  lq_waveform_view_set_segments (LQ_WAVEFORM_VIEW (f->view), segs, 1, 60 * RATE, RATE);
  short_album = time_frames (f->view, 120, TRUE, TRUE);

  g_test_message ("renderer %s, %dx%d", G_OBJECT_TYPE_NAME (renderer), WIDTH, HEIGHT);
  g_test_message ("zooming a 60-minute album (each frame redrawn): snapshot %.2f ms + render %.2f ms, worst frame %.2f ms",
                  zooming.snapshot_ms, zooming.render_ms, zooming.worst_ms);
  g_test_message ("zooming a 60-minute album with the processed overlay: snapshot %.2f ms + render %.2f ms, worst frame %.2f ms",
                  overlay.snapshot_ms, overlay.render_ms, overlay.worst_ms);
  g_test_message ("playing (only the playhead moves): snapshot %.2f ms + render %.2f ms, worst frame %.2f ms",
                  playing.snapshot_ms, playing.render_ms, playing.worst_ms);
  g_test_message ("zooming a 1-minute album: snapshot %.2f ms + render %.2f ms, worst frame %.2f ms",
                  short_album.snapshot_ms, short_album.render_ms, short_album.worst_ms);
  g_print ("# FRAME-TIME renderer=%s size=%dx%d zoom60min=%.2f+%.2fms(worst %.2f) playhead=%.2f+%.2fms zoom1min=%.2f+%.2fms"
           " zoom60min-processed=%.2f+%.2fms(worst %.2f)\n",
           G_OBJECT_TYPE_NAME (renderer), WIDTH, HEIGHT, zooming.snapshot_ms, zooming.render_ms, zooming.worst_ms,
           playing.snapshot_ms, playing.render_ms, short_album.snapshot_ms, short_album.render_ms,
           overlay.snapshot_ms, overlay.render_ms, overlay.worst_ms);
}

int
main (int argc, char **argv)
{
  lq_ui_test_init (&argc, &argv, NULL);

  g_test_add ("/lq/ui/waveform/levels", Fixture, NULL, fixture_setup, test_levels, fixture_teardown);
  g_test_add ("/lq/ui/waveform/click-and-zoom", Fixture, NULL, fixture_setup, test_click_and_zoom, fixture_teardown);
  g_test_add ("/lq/ui/waveform/processed", Fixture, NULL, fixture_setup, test_processed, fixture_teardown);
  g_test_add ("/lq/ui/waveform/frame-time", Fixture, NULL, fixture_setup, test_frame_time, fixture_teardown);

  return g_test_run ();
}
