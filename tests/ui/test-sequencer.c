/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The album sequencer in a real window: reordering tracks (the row's drop target, the
 * keyboard actions) changes the project's order and undo restores it; dragging a fade handle
 * on the timeline changes the track's fade by the distance dragged; the fade keys ([ ] { },
 * Ctrl for 1 s steps) change the selected track's fades by their steps, are described for
 * assistive technology and undo as one step; the fade curve menu, the inspector's fields and
 * undo/redo through the window's actions; playback into a fake sink (click to seek, next
 * track, J/K/L). */
#include "config.h"

#include <math.h>

#include <adwaita.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

#include "lq-ui-test-util.h"
#include "lq-demo.h"
#include "lq-elements.h"
#include "lq-inspector.h"
#include "lq-sequence.h"
#include "lq-timeline-private.h"
#include "lq-track-list.h"
#include "lq-track-row.h"
#include "lq-window.h"

static GFile *demo_project; /* written once for all the tests */

typedef struct
{
  char *dir;
  GFile *folder;
  LqWindow *window;
  LqProject *project;
} Fixture;

static GtkWidget *
find_widget_by_label (GtkWidget *root, GType type, const char *label)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    {
      if (ADW_IS_PREFERENCES_ROW (root) && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), label) == 0)
        return root;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget_by_label (child, type, label);
      if (found)
        return found;
    }
  return NULL;
}

/* The spin button in the inspector row titled @title. */
static GtkSpinButton *
inspector_spin (Fixture *f, const char *title)
{
  GtkWidget *row = find_widget_by_label (GTK_WIDGET (f->window), ADW_TYPE_ACTION_ROW, title);

  g_assert_nonnull (row);
  return GTK_SPIN_BUTTON (lq_ui_test_find_widget (row, GTK_TYPE_SPIN_BUTTON));
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("lq-seq-XXXXXX", NULL);
  f->folder = g_file_new_for_path (f->dir);

  f->window = lq_ui_test_show_project (demo_project, 4);
  f->project = lq_window_get_project (f->window);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_assert_finalize_object (f->window);
  lq_test_remove_tree (f->dir);
  g_free (f->dir);
  g_object_unref (f->folder);
}

/* The titles in album order, joined with "|". */
static char *
order (LqProject *project)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < lq_project_get_n_tracks (project); i++)
    g_string_append_printf (s, "%s%s", i ? "|" : "", lq_track_get_title (lq_project_get_track (project, i)));
  return g_string_free (s, FALSE);
}

static void
activate (Fixture *f, const char *action, GVariant *param)
{
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (f->window), action, param));
  g_main_context_iteration (NULL, FALSE);
}

/* The LqTrackRow showing number @number (1-based), among the list's rows. */
static GtkWidget *
find_row (GtkWidget *root, guint number)
{
  if (LQ_IS_TRACK_ROW (root) && lq_track_row_get_track (LQ_TRACK_ROW (root)) != NULL
      && lq_track_row_get_number (LQ_TRACK_ROW (root)) == number)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, number);
      if (found)
        return found;
    }
  return NULL;
}

static void
test_reorder (Fixture *f, gconstpointer data)
{
  static const char *original = "Morning Static|Copper Wire|Slow Tide|Last Light";
  LqTrackList *list = LQ_TRACK_LIST (lq_ui_test_find_widget (GTK_WIDGET (f->window), LQ_TYPE_TRACK_LIST));
  LqHistory *history = lq_window_get_history (f->window);
  g_autofree char *o0 = order (f->project);
  GtkWidget *row;
  GtkDropTarget *target;
  GValue value = G_VALUE_INIT;
  gboolean dropped = FALSE;
  GtkWidget *title;

  g_assert_nonnull (list);
  g_assert_cmpstr (o0, ==, original);
  g_assert_false (lq_history_get_can_undo (history));

  /* The keyboard's action (Alt+Down): the first track moves down and stays selected. */
  lq_track_list_set_selected (list, 0);
  activate (f, "win.move-track-down", NULL);
  {
    g_autofree char *o = order (f->project);
    g_assert_cmpstr (o, ==, "Copper Wire|Morning Static|Slow Tide|Last Light");
  }
  g_assert_cmpint (lq_track_list_get_selected (list), ==, 1);
  g_assert_cmpint (lq_window_get_selected (f->window), ==, 1);

  /* Dropping row 4 on row 1: the row's own drop target, as a drag and drop ends. */
  lq_test_iterate (50);
  row = find_row (GTK_WIDGET (list), 1);
  g_assert_nonnull (row);
  target = GTK_DROP_TARGET (lq_ui_test_find_controller (row, GTK_TYPE_DROP_TARGET));
  g_assert_nonnull (target);
  g_value_init (&value, G_TYPE_UINT);
  g_value_set_uint (&value, 3);
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &dropped);
  g_value_unset (&value);
  g_assert_true (dropped);
  {
    g_autofree char *o = order (f->project);
    g_assert_cmpstr (o, ==, "Last Light|Copper Wire|Morning Static|Slow Tide");
  }
  g_assert_cmpint (lq_track_list_get_selected (list), ==, 0);

  /* The rows follow: row 1 now shows "Last Light". */
  lq_test_iterate (50);
  row = find_row (GTK_WIDGET (list), 1);
  g_assert_cmpstr (lq_track_get_title (lq_track_row_get_track (LQ_TRACK_ROW (row))), ==, "Last Light");

  /* The title shows the unsaved mark. */
  title = lq_ui_test_find_widget (GTK_WIDGET (f->window), ADW_TYPE_WINDOW_TITLE);
  g_assert_true (g_str_has_prefix (adw_window_title_get_title (ADW_WINDOW_TITLE (title)), "• "));

  /* Undo twice through the window's actions: the original order. */
  activate (f, "win.undo", NULL);
  {
    g_autofree char *o = order (f->project);
    g_assert_cmpstr (o, ==, "Copper Wire|Morning Static|Slow Tide|Last Light");
  }
  activate (f, "win.undo", NULL);
  {
    g_autofree char *o = order (f->project);
    g_assert_cmpstr (o, ==, original);
  }
  g_assert_false (lq_history_get_can_undo (history));
  g_assert_false (g_str_has_prefix (adw_window_title_get_title (ADW_WINDOW_TITLE (title)), "• "));

  /* Redo once: the first move again. */
  activate (f, "win.redo", NULL);
  {
    g_autofree char *o = order (f->project);
    g_assert_cmpstr (o, ==, "Copper Wire|Morning Static|Slow Tide|Last Light");
  }
  /* Up from the top does nothing. */
  lq_track_list_set_selected (list, 0);
  g_assert_false (lq_track_list_move_selected (list, -1));
  activate (f, "win.move-track-up", NULL);
  {
    g_autofree char *o = order (f->project);
    g_assert_cmpstr (o, ==, "Copper Wire|Morning Static|Slow Tide|Last Light");
  }
}

static void
test_fade_drag (Fixture *f, gconstpointer data)
{
  LqTimeline *timeline = LQ_TIMELINE (lq_ui_test_find_widget (GTK_WIDGET (f->window), LQ_TYPE_TIMELINE));
  LqHistory *history = lq_window_get_history (f->window);
  LqTrack *track1 = lq_project_get_track (f->project, 1);
  LqTrack *track0 = lq_project_get_track (f->project, 0);
  g_autoptr(LqSequence) seq = lq_sequence_new (f->project);
  double width = gtk_widget_get_width (GTK_WIDGET (timeline));
  double samples_per_px = (double) seq->length / width; /* the timeline shows the whole album */
  double x, y;
  guint64 fade_out;

  g_assert_cmpfloat (width, >, 200);
  /* The demo album starts without fades. */
  g_assert_cmpuint (lq_track_get_fade_out (track1), ==, 0);
  g_assert_cmpuint (lq_track_get_fade_in (track0), ==, 0);

  /* Track 2's fade-out handle sits at its end; drag it 80 px to the left. */
  g_assert_true (lq_timeline_get_fade_handle (timeline, 1, TRUE, &x, &y));
  g_assert_cmpfloat_with_epsilon (x, seq->placements[1].end / samples_per_px, 1.0);
  _lq_timeline_drag_begin (timeline, x, y);
  for (int dx = -10; dx >= -80; dx -= 10)
    _lq_timeline_drag_update (timeline, dx, 0);
  _lq_timeline_drag_end (timeline, -80, 0);

  fade_out = lq_track_get_fade_out (track1);
  g_test_message ("fade-out after an 80 px drag: %" G_GUINT64_FORMAT " samples (80 px = %.0f)", fade_out, 80 * samples_per_px);
  g_assert_cmpfloat (fabs ((double) fade_out - 80 * samples_per_px), <=, samples_per_px + LQ_CD_FRAME_FRAMES);
  g_assert_cmpuint (lq_track_get_fade_out (track0), ==, 0);
  g_assert_cmpuint (lq_track_get_fade_in (track1), ==, 0);

  /* The whole drag is one step. */
  g_assert_cmpuint (lq_history_get_n_undo (history), ==, 1);
  activate (f, "win.undo", NULL);
  g_assert_cmpuint (lq_track_get_fade_out (track1), ==, 0);
  activate (f, "win.redo", NULL);
  g_assert_cmpuint (lq_track_get_fade_out (track1), ==, fade_out);

  /* Fade-in of track 1 (index 0): its handle at the start, dragged 40 px right. */
  g_assert_true (lq_timeline_get_fade_handle (timeline, 0, FALSE, &x, &y));
  _lq_timeline_drag_begin (timeline, x, y);
  _lq_timeline_drag_update (timeline, 20, 3);
  _lq_timeline_drag_end (timeline, 40, 3);
  g_assert_cmpfloat (fabs ((double) lq_track_get_fade_in (track0) - 40 * samples_per_px), <=,
                     samples_per_px + LQ_CD_FRAME_FRAMES);

  /* A drag far past the track's other end stops at the track's length less the fade-out. */
  g_assert_true (lq_timeline_get_fade_handle (timeline, 1, TRUE, &x, &y));
  _lq_timeline_drag_begin (timeline, x, y);
  _lq_timeline_drag_end (timeline, -width, 0);
  g_assert_cmpuint (lq_track_get_fade_out (track1), <=, seq->placements[1].length);
  activate (f, "win.undo", NULL);
  g_assert_cmpuint (lq_track_get_fade_out (track1), ==, fade_out);

  /* In CD mode a dragged fade snaps to whole CD frames (588 samples). */
  g_object_set (f->project, "cd-mode", TRUE, NULL);
  lq_test_iterate (20);
  g_assert_true (lq_timeline_get_fade_handle (timeline, 2, TRUE, &x, &y));
  _lq_timeline_drag_begin (timeline, x, y);
  _lq_timeline_drag_end (timeline, -37, 0);
  g_test_message ("CD mode fade-out: %" G_GUINT64_FORMAT " samples", lq_track_get_fade_out (lq_project_get_track (f->project, 2)));
  g_assert_cmpuint (lq_track_get_fade_out (lq_project_get_track (f->project, 2)), >, 0);
  g_assert_cmpuint (lq_track_get_fade_out (lq_project_get_track (f->project, 2)) % LQ_CD_FRAME_FRAMES, ==, 0);
  g_object_set (f->project, "cd-mode", FALSE, NULL);
  g_assert_true (lq_timeline_get_fade_handle (timeline, 1, TRUE, &x, &y));

  /* The curve menu: linear fade-out for track 2, undoable. */
  lq_timeline_popup_menu (timeline, 1, x, y);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (timeline), "timeline.fade-out-curve", "s", "linear"));
  g_assert_cmpint (lq_track_get_fade_out_curve (track1), ==, LQ_FADE_LINEAR);
  activate (f, "win.undo", NULL);
  g_assert_cmpint (lq_track_get_fade_out_curve (track1), ==, LQ_FADE_S_CURVE);
}

/* Presses @keyval with @mods on @widget through its own key bindings (its shortcut
 * controllers): as GTK does when the widget has the focus. */
static gboolean
press_binding (GtkWidget *widget, guint keyval, GdkModifierType mods)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (c))
        continue;
      for (guint k = 0; k < g_list_model_get_n_items (G_LIST_MODEL (c)); k++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (c), k);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger)
              && gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval
              && gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == mods)
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, widget,
                                                 gtk_shortcut_get_arguments (shortcut));
        }
    }
  g_assert_not_reached ();
  return FALSE;
}

static void
check_description (LqTimeline *timeline, LqTrack *track, guint number, guint rate)
{
  g_autofree char *expected = g_strdup_printf ("Track %u “%s”: fade-in %.1f s, fade-out %.1f s", number,
                                               lq_track_get_title (track),
                                               (double) lq_track_get_fade_in (track) / rate,
                                               (double) lq_track_get_fade_out (track) / rate);
  g_autofree char *mismatch =
    gtk_test_accessible_check_property (GTK_ACCESSIBLE (timeline), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, expected);

  if (mismatch != NULL)
    g_error ("accessible description: %s", mismatch);
}

static void
test_fade_keys (Fixture *f, gconstpointer data)
{
  LqTimeline *timeline = LQ_TIMELINE (lq_ui_test_find_widget (GTK_WIDGET (f->window), LQ_TYPE_TIMELINE));
  LqHistory *history = lq_window_get_history (f->window);
  LqTrack *track = lq_project_get_track (f->project, 1);
  guint rate = lq_project_get_rate (f->project);
  g_autoptr(LqSequence) seq = lq_sequence_new (f->project);
  guint64 length = seq->placements[1].length;
  guint64 redone;

  g_assert_cmpuint (lq_track_get_fade_in (track), ==, 0);
  g_assert_cmpuint (lq_track_get_fade_out (track), ==, 0);
  g_assert_cmpuint (seq->placements[1].overlap_in, ==, 0);
  g_assert_cmpuint (seq->placements[1].overlap_out, ==, 0);

  /* No track selected: the keys do nothing. */
  lq_timeline_set_selected (timeline, -1);
  g_assert_false (press_binding (GTK_WIDGET (timeline), GDK_KEY_bracketright, 0));
  g_assert_cmpuint (lq_history_get_n_undo (history), ==, 0);

  lq_timeline_set_selected (timeline, 1);
  gtk_widget_grab_focus (GTK_WIDGET (timeline));
  check_description (timeline, track, 2, rate);

  /* ] three times: a 0.3 s fade-in; [ once: 0.2 s; Ctrl+] : 1.2 s. Quick presses are one step. */
  for (int i = 0; i < 3; i++)
    g_assert_true (press_binding (GTK_WIDGET (timeline), GDK_KEY_bracketright, 0));
  g_assert_cmpuint (lq_track_get_fade_in (track), ==, 3 * rate / 10);
  g_assert_true (press_binding (GTK_WIDGET (timeline), GDK_KEY_bracketleft, 0));
  g_assert_cmpuint (lq_track_get_fade_in (track), ==, 2 * rate / 10);
  g_assert_true (press_binding (GTK_WIDGET (timeline), GDK_KEY_bracketright, GDK_CONTROL_MASK));
  g_assert_cmpuint (lq_track_get_fade_in (track), ==, 2 * rate / 10 + rate);
  check_description (timeline, track, 2, rate);
  g_assert_cmpuint (lq_track_get_fade_out (track), ==, 0);

  /* { moves the fade-out handle left (longer): Ctrl+{ twice is 2 s, } once 1.9 s. */
  lq_history_stop_merging (history);
  g_assert_true (press_binding (GTK_WIDGET (timeline), GDK_KEY_braceleft, GDK_SHIFT_MASK | GDK_CONTROL_MASK));
  g_assert_true (press_binding (GTK_WIDGET (timeline), GDK_KEY_braceleft, GDK_SHIFT_MASK | GDK_CONTROL_MASK));
  g_assert_true (press_binding (GTK_WIDGET (timeline), GDK_KEY_braceright, GDK_SHIFT_MASK));
  g_assert_cmpuint (lq_track_get_fade_out (track), ==, 2 * rate - rate / 10);
  check_description (timeline, track, 2, rate);

  /* Shortening past zero stops at zero; lengthening stops at the track less the other fade. */
  for (int i = 0; i < 5; i++)
    press_binding (GTK_WIDGET (timeline), GDK_KEY_bracketleft, GDK_CONTROL_MASK);
  g_assert_cmpuint (lq_track_get_fade_in (track), ==, 0);
  for (guint i = 0; i < length / rate + 2; i++)
    press_binding (GTK_WIDGET (timeline), GDK_KEY_bracketright, GDK_CONTROL_MASK);
  g_assert_cmpuint (lq_track_get_fade_in (track), ==, length - lq_track_get_fade_out (track));

  /* Undo: the fade-outs' step, then the fade-ins' (quick presses merged) back to nothing. */
  g_assert_cmpuint (lq_history_get_n_undo (history), >=, 2);
  while (lq_history_get_can_undo (history))
    activate (f, "win.undo", NULL);
  g_assert_cmpuint (lq_track_get_fade_in (track), ==, 0);
  g_assert_cmpuint (lq_track_get_fade_out (track), ==, 0);
  g_assert_cmpuint (lq_track_get_fade_in (lq_project_get_track (f->project, 0)), ==, 0);
  /* Redo: the first step again (1.2 s when the quick presses were merged). */
  activate (f, "win.redo", NULL);
  redone = lq_track_get_fade_in (track);
  g_assert_cmpuint (redone, >, 0);
  g_assert_cmpuint (redone, <=, 2 * rate / 10 + rate);
  check_description (timeline, track, 2, rate);

  /* In CD mode a step lands on whole CD frames. */
  g_object_set (f->project, "cd-mode", TRUE, NULL);
  lq_test_iterate (20);
  g_assert_true (press_binding (GTK_WIDGET (timeline), GDK_KEY_bracketright, 0));
  g_assert_cmpuint (lq_track_get_fade_in (track) % LQ_CD_FRAME_FRAMES, ==, 0);
  g_assert_cmpuint (lq_track_get_fade_in (track), >, redone);
}

static void
test_inspector_undo (Fixture *f, gconstpointer data)
{
  LqTrackList *list = LQ_TRACK_LIST (lq_ui_test_find_widget (GTK_WIDGET (f->window), LQ_TYPE_TRACK_LIST));
  LqTrack *track = lq_project_get_track (f->project, 2);
  GtkSpinButton *gain;
  guint64 pause0;
  double gain0;
  GtkWidget *isrc_row;
  g_autofree char *saved = NULL;
  g_autofree char *contents = NULL;
  GtkWidget *title = lq_ui_test_find_widget (GTK_WIDGET (f->window), ADW_TYPE_WINDOW_TITLE);

  lq_track_list_set_selected (list, 2);
  g_main_context_iteration (NULL, FALSE);
  g_assert_true (lq_inspector_get_track (LQ_INSPECTOR (lq_ui_test_find_widget (GTK_WIDGET (f->window), LQ_TYPE_INSPECTOR))) == track);

  pause0 = lq_track_get_pause (track);
  gain0 = lq_track_get_gain (track);
  g_assert_cmpfloat (gain0, !=, -2.5);
  g_assert_cmpuint (pause0, !=, (guint64) (1.5 * lq_project_get_rate (f->project)));
  gain = inspector_spin (f, "Gain");
  g_assert_cmpfloat (gtk_spin_button_get_value (gain), ==, gain0);
  gtk_spin_button_set_value (gain, -2.5);
  g_assert_cmpfloat (lq_track_get_gain (track), ==, -2.5);
  lq_history_stop_merging (lq_window_get_history (f->window));
  gtk_spin_button_set_value (inspector_spin (f, "Pause Before"), 1.5);
  g_assert_cmpuint (lq_track_get_pause (track), ==, (guint64) (1.5 * lq_project_get_rate (f->project)));

  activate (f, "win.undo", NULL);
  g_assert_cmpuint (lq_track_get_pause (track), ==, pause0);
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (inspector_spin (f, "Pause Before")),
                                  (double) pause0 / lq_project_get_rate (f->project), 0.005);
  activate (f, "win.undo", NULL);
  g_assert_cmpfloat (lq_track_get_gain (track), ==, gain0);
  g_assert_cmpfloat (gtk_spin_button_get_value (gain), ==, gain0);
  activate (f, "win.redo", NULL);
  g_assert_cmpfloat (lq_track_get_gain (track), ==, -2.5);
  g_assert_cmpfloat (gtk_spin_button_get_value (gain), ==, -2.5);

  /* An ISRC the Red Book rejects is refused (marked), a good one applies. */
  isrc_row = find_widget_by_label (GTK_WIDGET (f->window), ADW_TYPE_ENTRY_ROW, "ISRC");
  g_assert_nonnull (isrc_row);
  gtk_editable_set_text (GTK_EDITABLE (isrc_row), "XX-12");
  g_signal_emit_by_name (isrc_row, "apply");
  g_assert_true (gtk_widget_has_css_class (isrc_row, "error"));
  g_assert_null (lq_track_get_isrc (track));
  gtk_editable_set_text (GTK_EDITABLE (isrc_row), "GBAYE2600123");
  g_signal_emit_by_name (isrc_row, "apply");
  g_assert_false (gtk_widget_has_css_class (isrc_row, "error"));
  g_assert_cmpstr (lq_track_get_isrc (track), ==, "GBAYE2600123");

  /* Saving clears the unsaved mark and writes the edits (into this test's folder). */
  {
    g_autoptr(GFile) copy = g_file_get_child (f->folder, "Edited.lacquer");
    lq_project_set_file (f->project, copy);
  }
  g_assert_true (g_str_has_prefix (adw_window_title_get_title (ADW_WINDOW_TITLE (title)), "• "));
  activate (f, "win.save", NULL);
  g_assert_false (g_str_has_prefix (adw_window_title_get_title (ADW_WINDOW_TITLE (title)), "• "));
  g_assert_false (lq_history_is_modified (lq_window_get_history (f->window)));
  saved = g_file_get_path (lq_project_get_file (f->project));
  g_assert_true (g_file_get_contents (saved, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "GBAYE2600123"));
  {
    g_autofree char *backup = g_strconcat (saved, "~", NULL);
    g_unlink (backup);
  }
}

static gboolean
position_beyond_half_second (gpointer data)
{
  LqTransport *transport = data;
  return lq_transport_get_position (transport) > lq_transport_get_rate (transport) / 2;
}

static gboolean
is_paused (gpointer data)
{
  return !lq_transport_get_playing (data);
}

/* A key through the window's own key handler (as the window receives it before its widgets). */
static gboolean
press_key (Fixture *f, guint keyval)
{
  GtkEventController *keys = NULL;
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (f->window));
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && keys == NULL; i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);
      if (GTK_IS_EVENT_CONTROLLER_KEY (c) && gtk_event_controller_get_propagation_phase (c) == GTK_PHASE_CAPTURE
          && g_signal_has_handler_pending (c, g_signal_lookup ("key-pressed", GTK_TYPE_EVENT_CONTROLLER_KEY), 0, FALSE))
        keys = c;
    }
  g_assert_nonnull (keys);
  g_signal_emit_by_name (keys, "key-pressed", keyval, 0, (GdkModifierType) 0, &handled);
  g_main_context_iteration (NULL, FALSE);
  return handled;
}

static void
test_keys (Fixture *f, gconstpointer data)
{
  LqTransport *transport = lq_window_get_transport (f->window);
  g_autoptr(LqSequence) seq = lq_sequence_new (f->project);
  GtkWidget *title_row = find_widget_by_label (GTK_WIDGET (f->window), ADW_TYPE_ENTRY_ROW, "Title");
  LqTrackList *list = LQ_TRACK_LIST (lq_ui_test_find_widget (GTK_WIDGET (f->window), LQ_TYPE_TRACK_LIST));

  /* With the track list focused: Space plays and pauses, End and Home, Page Down, J/K/L. */
  gtk_widget_grab_focus (GTK_WIDGET (lq_track_list_get_list_view (list)));
  g_assert_true (press_key (f, GDK_KEY_space));
  g_assert_true (lq_transport_get_playing (transport));
  g_assert_true (press_key (f, GDK_KEY_space));
  g_assert_false (lq_transport_get_playing (transport));
  g_assert_true (press_key (f, GDK_KEY_End));
  g_assert_cmpuint (lq_transport_get_position (transport), ==, seq->length);
  g_assert_true (press_key (f, GDK_KEY_Home));
  g_assert_cmpuint (lq_transport_get_position (transport), ==, 0);
  /* From the disc's pre-gap: track 1's start, then track 2's */
  g_assert_cmpuint (seq->placements[0].start, >, 0);
  g_assert_true (press_key (f, GDK_KEY_Page_Down));
  g_assert_cmpuint (lq_transport_get_position (transport), ==, seq->placements[0].start);
  g_assert_true (press_key (f, GDK_KEY_Page_Down));
  g_assert_cmpuint (lq_transport_get_position (transport), ==, seq->placements[1].start);
  g_assert_true (press_key (f, GDK_KEY_l));
  g_assert_cmpint (lq_transport_get_shuttle_speed (transport), ==, 1);
  g_assert_true (press_key (f, GDK_KEY_k));
  g_assert_false (lq_transport_get_playing (transport));

  /* Typing in a text field: the keys are the text's. */
  gtk_widget_grab_focus (title_row);
  g_assert_true (gtk_widget_has_focus (gtk_root_get_focus (GTK_ROOT (f->window))));
  g_assert_false (press_key (f, GDK_KEY_space));
  g_assert_false (press_key (f, GDK_KEY_l));
  g_assert_false (lq_transport_get_playing (transport));
}

static void
test_transport (Fixture *f, gconstpointer data)
{
  LqTransport *transport = lq_window_get_transport (f->window);
  LqTimeline *timeline = LQ_TIMELINE (lq_ui_test_find_widget (GTK_WIDGET (f->window), LQ_TYPE_TIMELINE));
  LqTrackList *list = LQ_TRACK_LIST (lq_ui_test_find_widget (GTK_WIDGET (f->window), LQ_TYPE_TRACK_LIST));
  g_autoptr(LqSequence) seq = lq_sequence_new (f->project);
  double x;
  guint64 position;

  g_assert_cmpstr (lq_transport_get_sink (transport), ==, "fakesink sync=true");
  g_assert_cmpuint (lq_transport_get_length (transport), ==, seq->length);

  /* Space's action plays into the fake sink; the first track is the one heard. */
  activate (f, "win.play-pause", NULL);
  g_assert_true (lq_transport_get_playing (transport));
  lq_test_wait_for (position_beyond_half_second, transport, 30);
  lq_test_iterate (50);
  {
    GtkWidget *row = find_row (GTK_WIDGET (list), 1);
    g_assert_true (gtk_widget_has_css_class (row, "playing"));
  }
  activate (f, "win.play-pause", NULL);
  g_assert_false (lq_transport_get_playing (transport));
  position = lq_transport_get_position (transport);
  g_assert_cmpuint (position, >, lq_transport_get_rate (transport) / 2);

  /* A click in the middle of track 3 on the timeline seeks there and selects it. */
  x = lq_timeline_sample_to_x (timeline, (seq->placements[2].start + seq->placements[2].end) / 2);
  _lq_timeline_drag_begin (timeline, x, gtk_widget_get_height (GTK_WIDGET (timeline)) - 20);
  _lq_timeline_drag_end (timeline, 0, 0);
  g_assert_cmpint (lq_track_list_get_selected (list), ==, 2);
  g_assert_cmpfloat (fabs ((double) lq_transport_get_position (transport) - (seq->placements[2].start + seq->placements[2].end) / 2.0),
                     <=, 2.0 * seq->length / gtk_widget_get_width (GTK_WIDGET (timeline)) + LQ_CD_FRAME_FRAMES);

  /* Page Down's action: the next track's start; Page Up twice: back to track 3's start, then 2's. */
  activate (f, "win.next-track", NULL);
  g_assert_cmpuint (lq_transport_get_position (transport), ==, seq->placements[3].start);
  activate (f, "win.previous-track", NULL);
  g_assert_cmpuint (lq_transport_get_position (transport), ==, seq->placements[2].start);
  activate (f, "win.seek-end", NULL);
  g_assert_cmpuint (lq_transport_get_position (transport), ==, seq->length);
  activate (f, "win.seek-start", NULL);
  g_assert_cmpuint (lq_transport_get_position (transport), ==, 0);

  /* J/K/L: L plays, L again doubles, K stops; J runs backwards (and stops at the start). */
  activate (f, "win.shuttle", g_variant_new_int32 (1));
  g_assert_cmpint (lq_transport_get_shuttle_speed (transport), ==, 1);
  activate (f, "win.shuttle", g_variant_new_int32 (1));
  g_assert_cmpint (lq_transport_get_shuttle_speed (transport), ==, 2);
  lq_test_iterate (400);
  activate (f, "win.shuttle", g_variant_new_int32 (0));
  g_assert_false (lq_transport_get_playing (transport));
  position = lq_transport_get_position (transport);
  /* The scan runs at twice real time from where it began (one second in, 0.4 s later); the
   * time between the two actions is measured here too. */
  g_test_message ("after about 0.4 s at 2x: %.2f s", (double) position / lq_transport_get_rate (transport));
  g_assert_cmpuint (position, >, 0.6 * lq_transport_get_rate (transport));
  activate (f, "win.shuttle", g_variant_new_int32 (-1));
  g_assert_cmpint (lq_transport_get_shuttle_speed (transport), ==, -1);
  lq_test_wait_for (is_paused, transport, 30);
  g_assert_cmpuint (lq_transport_get_position (transport), ==, 0);

  /* An edit while playing: a new player takes over from about the same place. */
  activate (f, "win.play-pause", NULL);
  lq_test_wait_for (position_beyond_half_second, transport, 30);
  lq_history_set (lq_window_get_history (f->window), lq_project_get_track (f->project, 0), NULL, "gain", -3.0, NULL);
  lq_test_iterate (600);
  g_assert_true (lq_transport_get_playing (transport));
  g_assert_cmpuint (lq_transport_get_position (transport), >, lq_transport_get_rate (transport) / 2);
  activate (f, "win.stop", NULL);
  g_assert_false (lq_transport_get_playing (transport));
  g_assert_cmpuint (lq_transport_get_position (transport), ==, 0);
}

int
main (int argc, char **argv)
{
  g_autofree char *home = lq_ui_test_init (&argc, &argv, "lq-seq-home-XXXXXX");
  int status;

  demo_project = lq_ui_test_write_demo (home);

  g_test_add ("/lq/ui/sequencer/reorder", Fixture, NULL, fixture_setup, test_reorder, fixture_teardown);
  g_test_add ("/lq/ui/sequencer/fade-drag", Fixture, NULL, fixture_setup, test_fade_drag, fixture_teardown);
  g_test_add ("/lq/ui/sequencer/fade-keys", Fixture, NULL, fixture_setup, test_fade_keys, fixture_teardown);
  g_test_add ("/lq/ui/sequencer/inspector-undo", Fixture, NULL, fixture_setup, test_inspector_undo, fixture_teardown);
  g_test_add ("/lq/ui/sequencer/transport", Fixture, NULL, fixture_setup, test_transport, fixture_teardown);
  g_test_add ("/lq/ui/sequencer/keys", Fixture, NULL, fixture_setup, test_keys, fixture_teardown);

  status = g_test_run ();
  g_clear_object (&demo_project);
  lq_test_remove_tree (home);
  return status;
}
