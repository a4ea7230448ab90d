/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The listening side of the window, on the demo project playing into a fake sink: the meters
 * follow the transport's player (and are cleared for another project), the meters pane can be
 * hidden; the A/B buttons and the B key set the player's side; a reference added through the
 * window is measured (its loudness in the selector matches an independent libebur128 reading of
 * the same file), R switches the player to it and back, and adding it is undoable; the chain
 * snapshots A and B recall the stored settings into the very element the player runs. */
#include "config.h"

#include <math.h>

#include <adwaita.h>
#include <ebur128.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>

#include "lq-ui-test-util.h"
#include "lq-chain-panel.h"
#include "lq-decoder.h"
#include "lq-demo.h"
#include "lq-elements.h"
#include "lq-meters-panel.h"
#include "lq-render.h"
#include "lq-sequence.h"
#include "lq-window-private.h"
#include "lq-window.h"

static GFile *demo_project; /* written once for all the tests */

typedef struct
{
  LqWindow *window;
  LqProject *project;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->window = lq_ui_test_show_project (demo_project, 4);
  f->project = lq_window_get_project (f->window);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  lq_transport_stop (lq_window_get_transport (f->window));
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_assert_finalize_object (f->window);
}

static void
activate (Fixture *f, const char *action, GVariant *param)
{
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (f->window), action, param));
  g_main_context_iteration (NULL, FALSE);
}

/* Presses @keyval (no modifiers) through the window's own key handler (the capture-phase
 * GtkEventControllerKey it installs). */
static gboolean
press_key (Fixture *f, guint keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (f->window));
  gboolean handled = FALSE;

  gtk_widget_grab_focus (GTK_WIDGET (f->window->waveform));
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);
      if (GTK_IS_EVENT_CONTROLLER_KEY (c)
          && gtk_event_controller_get_propagation_phase (c) == GTK_PHASE_CAPTURE)
        {
          g_signal_emit_by_name (c, "key-pressed", keyval, 0, (GdkModifierType) 0, &handled);
          break;
        }
    }
  g_main_context_iteration (NULL, FALSE);
  return handled;
}

static double ebur128_integrated (GFile *file);

/* The album as delivered, measured here: rendered to a float file and read by libebur128. */
#define MAX_TRACKS 8
typedef struct
{
  guint n_tracks;
  double track_lufs[MAX_TRACKS];
  double track_tp[MAX_TRACKS]; /* dBTP, the higher channel */
  double album_lufs;
} Delivered;

static void
ebur128_span (const float *audio, gsize frames, guint rate, double *lufs, double *tp)
{
  ebur128_state *st = ebur128_init (2, rate, EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
  double peak;

  ebur128_add_frames_float (st, audio, frames);
  ebur128_loudness_global (st, lufs);
  *tp = -INFINITY;
  for (guint c = 0; c < 2; c++)
    {
      ebur128_true_peak (st, c, &peak);
      *tp = MAX (*tp, 20.0 * log10 (peak));
    }
  ebur128_destroy (&st);
}

/* Two true-peak meters agree within EBU Tech 3341's true-peak tolerance (+0.2/-0.4 dB):
 * ours interpolates with BS.1770's 4x filter, libebur128 with its own. */
static void
assert_true_peak (double value, double libebur128)
{
  g_assert_cmpfloat (value, <=, libebur128 + 0.2);
  g_assert_cmpfloat (value, >=, libebur128 - 0.4);
}

static void
measure_delivered (LqProject *project, Delivered *out)
{
  g_autofree char *dir = g_dir_make_tmp ("lq-delivered-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "album.wav", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(LqSequence) seq = lq_sequence_new (project);
  g_autoptr(GError) error = NULL;
  g_autofree float *audio = NULL;
  LqRenderOptions options = { LQ_WAV_FLOAT32, 0, NULL };
  LqTestWav wav;
  double tp;

  g_assert_true (lq_render_album (project, file, &options, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  audio = lq_test_read_float_wav (path, &wav);
  lq_test_remove_tree (dir);
  g_assert_cmpuint (wav.frames, ==, seq->length);
  g_assert_cmpuint (seq->n_placements, <=, MAX_TRACKS);
  out->n_tracks = seq->n_placements;
  for (guint i = 0; i < seq->n_placements; i++)
    {
      const LqPlacement *p = &seq->placements[i];
      guint64 from = p->start + p->overlap_in;
      guint64 to = p->end - MIN (p->overlap_out, p->length);

      ebur128_span (audio + from * 2, to - from, seq->rate, &out->track_lufs[i], &out->track_tp[i]);
    }
  ebur128_span (audio, seq->length, seq->rate, &out->album_lufs, &tp);
}

static LqLoudnessView *
loudness_view (Fixture *f)
{
  return lq_meters_panel_get_loudness (f->window->meters_panel);
}

static gboolean
meters_moving (gpointer data)
{
  Fixture *f = data;
  LqLoudnessView *view = loudness_view (f);

  return lq_loudness_view_get_n_history (view) >= 3 && isfinite (lq_loudness_view_get_momentary (view))
         && lq_loudness_view_get_momentary (view) > -60.0;
}

static gboolean
programme_known (gpointer data)
{
  Fixture *f = data;
  LqLoudnessView *view = loudness_view (f);

  return lq_loudness_view_get_track_number (view) > 0 && isfinite (lq_loudness_view_get_track_loudness (view))
         && isfinite (lq_loudness_view_get_album_loudness (view));
}

static gboolean
has_source_spectrum (gpointer data)
{
  Fixture *f = data;
  return lq_spectrum_view_get_n_source (lq_meters_panel_get_spectrum (f->window->meters_panel)) > 0;
}

static gboolean
has_player (gpointer data)
{
  Fixture *f = data;
  return lq_transport_get_player (lq_window_get_transport (f->window)) != NULL;
}

/* Playing the demo album through the window moves the loudness meter (the window follows the
 * transport's player); another project clears the meters; the meters pane hides and shows. */
static void
test_meters_follow (Fixture *f, gconstpointer data)
{
  g_autoptr(LqProject) empty = lq_project_new ();
  LqLoudnessView *view = loudness_view (f);

  g_assert_cmpuint (lq_loudness_view_get_n_history (view), ==, 0);
  activate (f, "win.play-pause", NULL);
  lq_test_wait_for (has_player, f, 30);
  /* The demo music is mastered near -10 LUFS: well above -60 once a 400 ms block is in. */
  lq_test_wait_for (meters_moving, f, 30);
  g_assert_true (lq_transport_get_playing (lq_window_get_transport (f->window)));

  /* The player's spectrum of the unprocessed album reaches the source overlay */
  lq_test_wait_for (has_source_spectrum, f, 30);

  /* The loudness view shows the values of track 1 (heard now) and of the album as delivered:
   * as libebur128 reads the rendered album */
  lq_test_wait_for (programme_known, f, 60);
  g_assert_cmpuint (lq_loudness_view_get_track_number (view), ==, 1);
  {
    Delivered expected;
    double apple;

    measure_delivered (f->project, &expected);
    g_test_message ("track 1: view %.2f LUFS %.2f dBTP, libebur128 %.2f LUFS %.2f dBTP; album %.2f LUFS (%.2f)",
                    lq_loudness_view_get_track_loudness (view), lq_loudness_view_get_track_true_peak (view),
                    expected.track_lufs[0], expected.track_tp[0], lq_loudness_view_get_album_loudness (view),
                    expected.album_lufs);
    g_assert_cmpfloat_with_epsilon (lq_loudness_view_get_track_loudness (view), expected.track_lufs[0], 0.05);
    assert_true_peak (lq_loudness_view_get_track_true_peak (view), expected.track_tp[0]);
    g_assert_cmpfloat_with_epsilon (lq_loudness_view_get_album_loudness (view), expected.album_lufs, 0.05);
    /* Apple Music normalizes each track to -16 LUFS, raising it only up to -1 dBTP */
    apple = -16.0 - expected.track_lufs[0];
    if (apple > 0)
      apple = MIN (apple, MAX (-1.0 - expected.track_tp[0], 0.0));
    for (guint k = 0; k < lq_loudness_view_get_n_services (view); k++)
      if (g_str_equal (lq_loudness_view_get_service_name (view, k), "Apple Music"))
        g_assert_cmpfloat_with_epsilon (lq_loudness_view_get_service_gain (view, k), apple, apple > 0 ? 0.4 : 0.05);
  }

  /* A new player after a structural edit: the meters follow it too. */
  {
    LqPlayer *old = lq_transport_get_player (lq_window_get_transport (f->window));
    GListStore *tracks = G_LIST_STORE (lq_project_get_tracks (f->project));
    guint n;

    lq_history_list_move (lq_window_get_history (f->window), tracks, 0, 1, "Move");
    lq_test_iterate (300);
    lq_meters_panel_reset (f->window->meters_panel);
    n = lq_loudness_view_get_n_history (view);
    g_assert_cmpuint (n, ==, 0);
    if (lq_transport_get_player (lq_window_get_transport (f->window)) != old)
      g_test_message ("the transport made a new player after the move");
    lq_test_wait_for (meters_moving, f, 30);
  }

  lq_transport_pause (lq_window_get_transport (f->window));
  lq_window_set_project (f->window, empty);
  g_assert_cmpuint (lq_loudness_view_get_n_history (view), ==, 0);
  g_assert_false (isfinite (lq_loudness_view_get_momentary (view)) && lq_loudness_view_get_momentary (view) > -60.0);

  /* Hidden and shown again by the action (F8), remembered in the property bound to GSettings */
  g_assert_true (gtk_widget_get_visible (f->window->meters_area));
  activate (f, "win.show-meters", NULL);
  g_assert_false (gtk_widget_get_visible (f->window->meters_area));
  activate (f, "win.show-meters", NULL);
  g_assert_true (gtk_widget_get_visible (f->window->meters_area));
}

static gboolean
all_measured (gpointer data)
{
  Fixture *f = data;

  for (guint i = 0; i < lq_project_get_n_tracks (f->project); i++)
    {
      gboolean stale;

      if (!lq_track_list_get_loudness (f->window->track_list, lq_project_get_track (f->project, i), NULL, NULL, &stale)
          || stale)
        return FALSE;
    }
  return TRUE;
}

/* The album loudness in the summary under the track list ("… · album −12.6 LUFS"). */
static double
summary_album_lufs (Fixture *f)
{
  const char *text = gtk_label_get_label (f->window->album_summary);
  const char *at = strstr (text, "album ");
  g_autoptr(GString) number = NULL;

  g_assert_nonnull (at);
  number = g_string_new (at + strlen ("album "));
  g_string_replace (number, "−", "-", 0);
  return g_ascii_strtod (number->str, NULL);
}

/* The track list shows each track's loudness and true peak as delivered (after its chain and
 * the master), as libebur128 reads the rendered album, and the album's under the list; an
 * audible edit makes them stale at once and they are measured again; a title edit does not. */
static void
test_delivered_loudness (Fixture *f, gconstpointer data)
{
  Delivered before, after;
  LqTrack *second = lq_project_get_track (f->project, 1);
  double lufs, tp;
  gboolean stale;

  lq_test_wait_for (all_measured, f, 60);
  measure_delivered (f->project, &before);
  g_assert_cmpuint (before.n_tracks, ==, lq_project_get_n_tracks (f->project));
  for (guint i = 0; i < before.n_tracks; i++)
    {
      g_assert_true (lq_track_list_get_loudness (f->window->track_list, lq_project_get_track (f->project, i),
                                                 &lufs, &tp, NULL));
      g_test_message ("track %u: list %.2f LUFS %.2f dBTP, libebur128 %.2f LUFS %.2f dBTP", i + 1, lufs, tp,
                      before.track_lufs[i], before.track_tp[i]);
      g_assert_cmpfloat_with_epsilon (lufs, before.track_lufs[i], 0.05);
      assert_true_peak (tp, before.track_tp[i]);
    }
  g_test_message ("summary: %s; libebur128 album %.2f LUFS", gtk_label_get_label (f->window->album_summary),
                  before.album_lufs);
  g_assert_cmpfloat_with_epsilon (summary_album_lufs (f), before.album_lufs, 0.06);

  /* Metadata cannot change the sound: nothing to measure */
  lq_track_set_title (second, "Renamed");
  g_assert_true (lq_track_list_get_loudness (f->window->track_list, second, NULL, NULL, &stale));
  g_assert_false (stale);

  /* Track 2 down 6 dB: stale at once, then measured again */
  g_object_set (second, "gain", -6.0, NULL);
  g_assert_true (lq_track_list_get_loudness (f->window->track_list, second, NULL, NULL, &stale));
  g_assert_true (stale);
  g_assert_true (lq_loudness_view_get_programme_stale (loudness_view (f)));
  lq_test_wait_for (all_measured, f, 60);
  g_assert_false (lq_loudness_view_get_programme_stale (loudness_view (f)));
  measure_delivered (f->project, &after);
  g_assert_true (lq_track_list_get_loudness (f->window->track_list, second, &lufs, &tp, NULL));
  g_test_message ("track 2 after -6 dB: list %.2f LUFS, libebur128 %.2f LUFS (was %.2f)", lufs, after.track_lufs[1],
                  before.track_lufs[1]);
  g_assert_cmpfloat_with_epsilon (lufs, after.track_lufs[1], 0.05);
  assert_true_peak (tp, after.track_tp[1]);
  /* The limiter took some of the 6 dB off before; now it takes less */
  g_assert_cmpfloat (after.track_lufs[1], <, before.track_lufs[1] - 3.0);
  g_assert_cmpfloat_with_epsilon (summary_album_lufs (f), after.album_lufs, 0.06);
}

/* The meters pane is tall enough at the default window size for the loudness view's labels. */
static void
test_meters_size (Fixture *f, gconstpointer data)
{
  int min_height;

  gtk_widget_measure (GTK_WIDGET (f->window->meters_panel), GTK_ORIENTATION_VERTICAL, -1, &min_height, NULL, NULL, NULL);
  g_assert_cmpint (gtk_widget_get_height (f->window->meters_area), >=, 200);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (f->window->meters_panel)), >=, min_height);
}

static gboolean
is_unprocessed (gpointer data)
{
  LqPlayer *player = data;
  return lq_player_get_ab_side (player) == LQ_AB_UNPROCESSED;
}

/* The A/B buttons and the B key switch the player between processed and unprocessed; a new
 * player (after an edit) is given the side chosen. */
static void
test_ab_toggle (Fixture *f, gconstpointer data)
{
  LqTransport *transport = lq_window_get_transport (f->window);
  g_autofree char *side = NULL;
  LqPlayer *player;
  GtkWidget *b_button;

  activate (f, "win.play-pause", NULL);
  lq_test_wait_for (has_player, f, 30);
  player = lq_transport_get_player (transport);
  g_assert_cmpint (lq_player_get_ab_side (player), ==, LQ_AB_PROCESSED);

  g_assert_true (press_key (f, GDK_KEY_b));
  g_object_get (f->window, "ab-side", &side, NULL);
  g_assert_cmpstr (side, ==, "unprocessed");
  g_assert_cmpint (lq_player_get_ab_side (player), ==, LQ_AB_UNPROCESSED);
  g_assert_true (press_key (f, GDK_KEY_b));
  g_assert_cmpint (lq_player_get_ab_side (player), ==, LQ_AB_PROCESSED);

  /* The B button of the header */
  b_button = gtk_widget_get_last_child (gtk_widget_get_first_child (f->window->ab_area));
  g_assert_true (GTK_IS_TOGGLE_BUTTON (b_button));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (b_button)));
  g_signal_emit_by_name (b_button, "clicked");
  g_main_context_iteration (NULL, FALSE);
  g_assert_cmpint (lq_player_get_ab_side (player), ==, LQ_AB_UNPROCESSED);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (b_button)));

  /* Match on by default; the switch turns it off in the player */
  g_assert_true (lq_player_get_match (player));
  activate (f, "win.match", NULL);
  g_assert_false (lq_player_get_match (player));
  activate (f, "win.match", NULL);

  /* An edit makes a new player at once while playing: it plays the side chosen. */
  lq_history_list_move (lq_window_get_history (f->window), G_LIST_STORE (lq_project_get_tracks (f->project)), 0, 1, "Move");
  lq_test_iterate (500);
  player = lq_transport_get_player (transport);
  lq_test_wait_for (is_unprocessed, player, 5);
}

/* Integrated loudness of @file by libebur128 directly (independent of LqAnalyzer). */
static double
ebur128_integrated (GFile *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LqDecoder) decoder = lq_decoder_new (file, 0, &error);
  ebur128_state *st;
  float buf[4096 * 2];
  gssize n;
  double lufs = NAN;

  g_assert_no_error (error);
  st = ebur128_init (lq_decoder_get_channels (decoder), lq_decoder_get_rate (decoder), EBUR128_MODE_I);
  while ((n = lq_decoder_read (decoder, buf, 4096, &error)) > 0)
    ebur128_add_frames_float (st, buf, n);
  g_assert_no_error (error);
  ebur128_loudness_global (st, &lufs);
  ebur128_destroy (&st);
  return lufs;
}

static gboolean
reference_measured (gpointer data)
{
  Fixture *f = data;
  g_autofree char *label = NULL;

  if (g_menu_model_get_n_items (G_MENU_MODEL (f->window->references_section)) == 0)
    return FALSE;
  g_menu_model_get_item_attribute (G_MENU_MODEL (f->window->references_section), 0, "label", "s", &label);
  return label != NULL && strstr (label, "… LUFS") == NULL;
}

static gboolean
has_reference_spectrum (gpointer data)
{
  Fixture *f = data;
  return lq_spectrum_view_get_n_reference (lq_meters_panel_get_spectrum (f->window->meters_panel)) > 0;
}

/* A reference added through the window: measured (the selector shows its loudness, equal to
 * libebur128's reading of the file), R switches the player to it and back to the album, its
 * long-term spectrum goes to the spectrum view, and adding it is undoable. */
static void
test_reference (Fixture *f, gconstpointer data)
{
  /* A demo track's file works as a reference */
  g_autoptr(GFile) file = g_object_ref (lq_track_get_file (lq_project_get_track (f->project, 0)));
  GListModel *refs = lq_project_get_references (f->project);
  LqPlayer *player;
  g_autofree char *label = NULL;
  g_autofree char *expected = NULL;
  double lufs;
  int reference;

  /* Nothing to switch to yet */
  gtk_widget_activate_action_variant (GTK_WIDGET (f->window), "win.toggle-reference", NULL);
  g_object_get (f->window, "reference", &reference, NULL);
  g_assert_cmpint (reference, ==, -1);

  _lq_window_add_references (f->window, &file, 1);
  g_assert_cmpuint (g_list_model_get_n_items (refs), ==, 1);
  g_assert_cmpstr (lq_history_get_undo_label (lq_window_get_history (f->window)), ==, "Add Reference");
  lq_test_wait_for (reference_measured, f, 60);

  lufs = ebur128_integrated (file);
  g_menu_model_get_item_attribute (G_MENU_MODEL (f->window->references_section), 0, "label", "s", &label);
  expected = g_strdup_printf ("−%.1f LUFS", -lufs);
  g_test_message ("selector: %s; libebur128: %.2f LUFS", label, lufs);
  g_assert_nonnull (strstr (label, expected));
  g_assert_nonnull (strstr (label, "dBTP"));

  /* The reference's long-term spectrum is overlaid on the spectrum */
  lq_test_wait_for (has_reference_spectrum, f, 60);

  activate (f, "win.play-pause", NULL);
  lq_test_wait_for (has_player, f, 30);
  player = lq_transport_get_player (lq_window_get_transport (f->window));
  g_assert_true (press_key (f, GDK_KEY_r));
  g_object_get (f->window, "reference", &reference, NULL);
  g_assert_cmpint (reference, ==, 0);
  g_assert_true (lq_player_get_reference (player) == g_list_model_get_item (refs, 0));
  g_object_unref (lq_player_get_reference (player)); /* the ref taken just above */
  g_assert_true (press_key (f, GDK_KEY_r));
  g_object_get (f->window, "reference", &reference, NULL);
  g_assert_cmpint (reference, ==, -1);
  g_assert_null (lq_player_get_reference (player));

  /* Own position mode reaches the player */
  activate (f, "win.reference-position", g_variant_new_string ("own"));
  g_assert_cmpint (lq_player_get_reference_position (player), ==, LQ_REFERENCE_POSITION_OWN);

  /* Selected again, then undo the adding: back on the album */
  activate (f, "win.reference", g_variant_new_int32 (0));
  g_assert_nonnull (lq_player_get_reference (player));
  activate (f, "win.undo", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (refs), ==, 0);
  g_object_get (f->window, "reference", &reference, NULL);
  g_assert_cmpint (reference, ==, -1);
  g_assert_null (lq_player_get_reference (player));
}

static double
ceiling_of (LqChainElement *limiter)
{
  return g_ascii_strtod (lq_chain_element_get (limiter, "ceiling"), NULL);
}

/* Snapshots A and B of the master chain in the chain panel, while playing: switching stores
 * the settings edited and recalls the other snapshot's on the same element, which the running
 * player takes live (no new player); the recall is undoable; the snapshots are saved with the
 * project. */
static void
test_snapshots (Fixture *f, gconstpointer data)
{
  LqTransport *transport = lq_window_get_transport (f->window);
  GtkWidget *panel = GTK_WIDGET (f->window->chain_view);
  LqChain *master = lq_project_get_master (f->project);
  LqChainElement *limiter = lq_chain_find (master, "lqlimiter");
  LqPlayer *player;
  int snapshot;

  g_assert_nonnull (limiter);
  /* The demo master's limiter ceiling is -1 dBTP */
  g_assert_cmpfloat_with_epsilon (ceiling_of (limiter), -1.0, 1e-9);
  activate (f, "win.play-pause", NULL);
  lq_test_wait_for (has_player, f, 30);
  lq_test_iterate (300);
  player = lq_transport_get_player (transport);

  lq_chain_panel_set_show_master (f->window->chain_view, TRUE);
  g_assert_true (lq_chain_panel_get_chain (f->window->chain_view) == master);
  g_object_get (panel, "snapshot", &snapshot, NULL);
  g_assert_cmpint (snapshot, ==, 0);

  /* To B (a copy of A the first time), edit it there */
  g_assert_true (gtk_widget_activate_action_variant (panel, "chain.snapshot", g_variant_new_int32 (1)));
  g_assert_cmpfloat_with_epsilon (ceiling_of (limiter), -1.0, 1e-9);
  lq_history_chain_element_set (lq_window_get_history (f->window), limiter, "ceiling", "-3.0", "Ceiling");
  g_assert_cmpfloat_with_epsilon (ceiling_of (limiter), -3.0, 1e-9);

  /* Back to A: the same element gets -1 again, B keeps -3 */
  g_assert_true (gtk_widget_activate_action_variant (panel, "chain.snapshot", g_variant_new_int32 (0)));
  g_assert_true (lq_chain_find (master, "lqlimiter") == limiter);
  g_assert_cmpfloat_with_epsilon (ceiling_of (limiter), -1.0, 1e-9);
  g_assert_cmpstr (lq_history_get_undo_label (lq_window_get_history (f->window)), ==, "Recall Settings A");
  g_assert_true (gtk_widget_activate_action_variant (panel, "chain.snapshot", g_variant_new_int32 (1)));
  g_assert_cmpfloat_with_epsilon (ceiling_of (limiter), -3.0, 1e-9);

  /* A parameter recall is applied live: the transport keeps its player */
  lq_test_iterate (800);
  g_assert_true (lq_transport_get_player (transport) == player);
  g_assert_true (lq_transport_get_playing (transport));

  /* Undo the recall of B */
  activate (f, "win.undo", NULL);
  g_assert_cmpfloat_with_epsilon (ceiling_of (limiter), -1.0, 1e-9);

  /* The master holds B and keeps A: both go into the project file */
  {
    const char *other;
    g_autofree char *json = lq_project_to_json (f->project, lq_project_get_file (f->project));

    g_assert_cmpint (lq_chain_get_snapshots (master, &other), ==, 1);
    g_assert_nonnull (other);
    g_assert_nonnull (strstr (json, "\"master_snapshots\""));
  }
}

/* The default chain of the preferences: element factories with optional presets, given to an
 * empty chain only; the preset's values are those of the presets resource (read here). */
static void
test_default_chain (void)
{
  g_autoptr(LqChain) chain = lq_chain_new ();
  g_autoptr(GBytes) bytes = g_resources_lookup_data ("/io/github/lacquer/Lacquer/lq-chain-presets.json", 0, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *presets;
  JsonObject *glue = NULL;
  LqChainElement *comp;

  g_assert_nonnull (bytes);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL));
  presets = json_object_get_array_member (json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                                                         "lqcompressor"), "presets");
  for (guint i = 0; i < json_array_get_length (presets); i++)
    {
      JsonObject *p = json_array_get_object_element (presets, i);
      if (g_str_equal (json_object_get_string_member (p, "name"), "Gentle Glue"))
        glue = json_object_get_object_member (p, "settings");
    }
  g_assert_nonnull (glue);

  _lq_window_apply_default_chain (chain, "lqeq, lqcompressor:Gentle Glue");
  g_assert_cmpuint (lq_chain_get_n_elements (chain), ==, 2);
  g_assert_cmpstr (lq_chain_element_get_factory (lq_chain_get_element (chain, 0)), ==, "lqeq");
  comp = lq_chain_get_element (chain, 1);
  g_assert_cmpstr (lq_chain_element_get_factory (comp), ==, "lqcompressor");
  g_assert_cmpfloat_with_epsilon (g_ascii_strtod (lq_chain_element_get (comp, "threshold"), NULL),
                                  json_object_get_double_member (glue, "threshold"), 1e-9);
  g_assert_cmpfloat_with_epsilon (g_ascii_strtod (lq_chain_element_get (comp, "ratio"), NULL),
                                  json_object_get_double_member (glue, "ratio"), 1e-9);

  /* A chain that has processing already keeps it; empty settings add nothing */
  _lq_window_apply_default_chain (chain, "lqlimiter");
  g_assert_cmpuint (lq_chain_get_n_elements (chain), ==, 2);
  {
    g_autoptr(LqChain) empty = lq_chain_new ();
    _lq_window_apply_default_chain (empty, "");
    g_assert_cmpuint (lq_chain_get_n_elements (empty), ==, 0);
  }
}

int
main (int argc, char **argv)
{
  g_autofree char *home = lq_ui_test_init (&argc, &argv, "lq-listen-XXXXXX");
  int status;

  demo_project = lq_ui_test_write_demo (home);

  g_test_add ("/lq/ui/listen/meters-follow", Fixture, NULL, fixture_setup, test_meters_follow, fixture_teardown);
  g_test_add ("/lq/ui/listen/delivered-loudness", Fixture, NULL, fixture_setup, test_delivered_loudness,
              fixture_teardown);
  g_test_add ("/lq/ui/listen/meters-size", Fixture, NULL, fixture_setup, test_meters_size, fixture_teardown);
  g_test_add ("/lq/ui/listen/ab-toggle", Fixture, NULL, fixture_setup, test_ab_toggle, fixture_teardown);
  g_test_add ("/lq/ui/listen/reference", Fixture, NULL, fixture_setup, test_reference, fixture_teardown);
  g_test_add_func ("/lq/ui/listen/default-chain", test_default_chain);
  g_test_add ("/lq/ui/listen/snapshots", Fixture, NULL, fixture_setup, test_snapshots, fixture_teardown);

  status = g_test_run ();
  g_clear_object (&demo_project);
  lq_test_remove_tree (home);
  return status;
}
