/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-test-chain-panel"

/* The processing-chain panel in a real window: controls edit the model through the history
 * (one undo step per edit, one per drag), bypass, reorder (actions, keyboard, drop), reset,
 * presets, add and remove, the EQ and compressor curves against their closed forms, the live
 * gain-reduction meter, the stem mixer and the accessible names.
 *
 * Real pointer drags and key presses go through the X server (XTest, loaded at run time) when
 * the display is X11; elsewhere those cases are skipped.
 *
 * With LQ_CHAIN_PANEL_SHOWCASE=SECONDS in the environment the program instead shows a window
 * with a full chain for that long (for screenshots) and exits. */
#include "config.h"

#include <dlfcn.h>
#include <math.h>
#include <stdlib.h>

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <gst/gst.h>
#include <X11/keysym.h>

#include "lq-ui-test-util.h"
#include "lq-chain-panel.h"
#include "lq-chain-params.h"
#include "lq-chain-runner.h"
#include "lq-element-card.h"
#include "lq-elements.h"
#include "lq-eq-graph.h"
#include "lq-gr-history.h"
#include "lq-param-row.h"
#include "lq-stem-mixer.h"
#include "lq-transfer-graph.h"

/* ---- helpers ---- */

static void
pump (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  do
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (1000);
    }
  while (g_get_monotonic_time () < end);
}

static void
wait_for_size (GtkWidget *widget)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!gtk_widget_get_mapped (widget) || gtk_widget_get_width (widget) <= 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  pump (50);
}

static GtkWindow *
show_in_window (GtkWidget *child,
                int        width,
                int        height)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  g_object_ref_sink (window);
  gtk_window_set_default_size (window, width, height);
  gtk_window_set_child (window, child);
  gtk_window_present (window);
  wait_for_size (child);
  return window;
}

static void
close_window (GtkWindow *window)
{
  gtk_window_destroy (window);
  pump (20);
  g_assert_finalize_object (window);
}

static LqChain *
chain_of (const char *first,
          ...)
{
  LqChain *chain = lq_chain_new ();
  va_list args;

  va_start (args, first);
  for (const char *f = first; f != NULL; f = va_arg (args, const char *))
    {
      g_autoptr(LqChainElement) element = lq_chain_element_new (f);

      lq_chain_append (chain, element);
    }
  va_end (args);
  return chain;
}

static LqElementCard *
card_at (LqChainPanel *panel,
         guint         position)
{
  GtkWidget *card = lq_chain_panel_get_card (panel, position);

  g_assert_nonnull (card);
  return LQ_ELEMENT_CARD (card);
}

static LqParamRow *
expanded_row (LqElementCard *card,
              const char    *property)
{
  GtkWidget *row;

  lq_element_card_set_expanded (card, TRUE);
  pump (30);
  row = lq_element_card_find_row (card, property);
  g_assert_nonnull (row);
  return LQ_PARAM_ROW (row);
}

static const char *
factory_at (LqChain *chain,
            guint    position)
{
  return lq_chain_element_get_factory (lq_chain_get_element (chain, position));
}

static double
stored (LqChainElement *element,
        const char     *property)
{
  const char *value = lq_chain_element_get (element, property);

  return value != NULL ? g_ascii_strtod (value, NULL) : NAN;
}

/* ---- XTest: real input through the X server ---- */

typedef struct
{
  Display *display;
  int (*fake_motion) (Display *, int, int, int, unsigned long);
  int (*fake_button) (Display *, unsigned int, Bool, unsigned long);
  int (*fake_key) (Display *, unsigned int, Bool, unsigned long);
  Bool (*translate) (Display *, Window, Window, int, int, int *, int *, Window *);
  int (*sync) (Display *, Bool);
  KeyCode (*keycode) (Display *, KeySym);
} XInput;

static gboolean
xinput_init (XInput    *x,
             GtkWidget *widget)
{
  GdkDisplay *display = gtk_widget_get_display (widget);
  void *xtst, *x11;

  if (!GDK_IS_X11_DISPLAY (display))
    return FALSE;
  xtst = dlopen ("libXtst.so.6", RTLD_NOW);
  x11 = dlopen ("libX11.so.6", RTLD_NOW);
  if (xtst == NULL || x11 == NULL)
    return FALSE;
  x->display = gdk_x11_display_get_xdisplay (display);
  x->fake_motion = dlsym (xtst, "XTestFakeMotionEvent");
  x->fake_button = dlsym (xtst, "XTestFakeButtonEvent");
  x->fake_key = dlsym (xtst, "XTestFakeKeyEvent");
  x->translate = dlsym (x11, "XTranslateCoordinates");
  x->sync = dlsym (x11, "XSync");
  x->keycode = dlsym (x11, "XKeysymToKeycode");
  return x->fake_motion && x->fake_button && x->fake_key && x->translate && x->sync && x->keycode;
}

/* Moves the pointer to (@px, @py) in @widget's coordinates. */
static void
xinput_move (XInput    *x,
             GtkWidget *widget,
             double     px,
             double     py)
{
  GtkNative *native = gtk_widget_get_native (widget);
  graphene_point_t p;
  double sx, sy;
  int rx, ry;
  Window child;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native), &GRAPHENE_POINT_INIT (px, py), &p));
  gtk_native_get_surface_transform (native, &sx, &sy);
  x->translate (x->display, gdk_x11_surface_get_xid (gtk_native_get_surface (native)),
                DefaultRootWindow (x->display), (int) round (p.x + sx), (int) round (p.y + sy), &rx, &ry, &child);
  x->fake_motion (x->display, -1, rx, ry, 0);
  x->sync (x->display, False);
  pump (40);
}

static void
xinput_button (XInput  *x,
               gboolean press)
{
  x->fake_button (x->display, 1, press, 0);
  x->sync (x->display, False);
  pump (60);
}

static void
xinput_key (XInput *x,
            KeySym  modifier,
            KeySym  key)
{
  KeyCode mod = modifier ? x->keycode (x->display, modifier) : 0;
  KeyCode code = x->keycode (x->display, key);

  if (mod)
    x->fake_key (x->display, mod, True, 0);
  x->fake_key (x->display, code, True, 0);
  x->fake_key (x->display, code, False, 0);
  if (mod)
    x->fake_key (x->display, mod, False, 0);
  x->sync (x->display, False);
  pump (80);
}

/* ---- tests ---- */

/* A slider moves the element's setting in the model, in the element's own range and
 * rounding; one undo restores the default, and the controls follow the model back. */
static void
test_slider_moves_property (void)
{
  g_autoptr(LqChain) chain = chain_of ("lqcompressor", NULL);
  g_autoptr(LqHistory) history = lq_history_new ();
  LqChainElement *comp = lq_chain_get_element (chain, 0);
  LqChainPanel *panel = LQ_CHAIN_PANEL (lq_chain_panel_new ());
  GtkWindow *window;
  LqParamRow *row;
  GtkWidget *scale, *spin;

  lq_chain_panel_set_history (panel, history);
  lq_chain_panel_set_chain (panel, chain, "Test");
  window = show_in_window (GTK_WIDGET (panel), 460, 900);

  row = expanded_row (card_at (panel, 0), "threshold");
  scale = lq_param_row_get_control (row);
  spin = lq_param_row_get_entry (row);
  g_assert_true (GTK_IS_SCALE (scale));
  /* The default (-18 dB of -80..0, read from the element) is where the slider starts. */
  g_assert_null (lq_chain_element_get (comp, "threshold"));
  g_assert_cmpfloat_with_epsilon (gtk_range_get_value (GTK_RANGE (scale)), 62.0 / 80.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), -18.0, 1e-9);

  /* The middle of a linear -80..0 slider is -40. */
  gtk_range_set_value (GTK_RANGE (scale), 0.5);
  g_assert_cmpstr (lq_chain_element_get (comp, "threshold"), ==, "-40");
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), -40.0, 1e-9);
  g_assert_cmpuint (lq_history_get_n_undo (history), ==, 1);
  g_assert_true (lq_history_undo (history));
  g_assert_null (lq_chain_element_get (comp, "threshold"));
  g_assert_cmpfloat_with_epsilon (gtk_range_get_value (GTK_RANGE (scale)), 62.0 / 80.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), -18.0, 1e-9);

  /* Typed values keep the precision the range calls for (0.1 dB here). */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), -12.34);
  g_assert_cmpstr (lq_chain_element_get (comp, "threshold"), ==, "-12.3");

  /* Ratio (1..100) is logarithmic: the middle is 10:1. */
  row = expanded_row (card_at (panel, 0), "ratio");
  gtk_range_set_value (GTK_RANGE (lq_param_row_get_control (row)), 0.5);
  g_assert_cmpfloat_with_epsilon (stored (comp, "ratio"), 10.0, 1e-9);

  /* Enums are stored by nick, booleans as true/false. */
  row = expanded_row (card_at (panel, 0), "detector");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (lq_param_row_get_control (row)), 1);
  g_assert_cmpstr (lq_chain_element_get (comp, "detector"), ==, "rms");
  row = expanded_row (card_at (panel, 0), "auto-release");
  gtk_switch_set_active (GTK_SWITCH (lq_param_row_get_control (row)), TRUE);
  g_assert_cmpstr (lq_chain_element_get (comp, "auto-release"), ==, "true");

  /* What the model holds, the element accepts. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GstElement) element = lq_chain_element_instantiate (comp, &error);
    double threshold, ratio;

    g_assert_no_error (error);
    g_object_get (element, "threshold", &threshold, "ratio", &ratio, NULL);
    g_assert_cmpfloat_with_epsilon (threshold, -12.3, 1e-9);
    g_assert_cmpfloat_with_epsilon (ratio, 10.0, 1e-9);
  }

  close_window (window);
}

/* A pointer drag on a slider and on an EQ band's point is one undo step, even with merging
 * of quick edits turned off; Alt+Up/Down move the focused card. */
static void
test_drags_are_one_step (void)
{
  g_autoptr(LqChain) chain = chain_of ("lqcompressor", NULL);
  g_autoptr(LqHistory) history = lq_history_new ();
  g_autoptr(LqChainElement) eq = lq_chain_presets_new_element ("lqeq");
  LqChainElement *comp = lq_chain_get_element (chain, 0);
  LqChainPanel *panel = LQ_CHAIN_PANEL (lq_chain_panel_new ());
  GtkWindow *window;
  GtkWidget *scale;
  LqEqGraph *graph;
  XInput x;
  double w, x0, y0, start_freq;
  guint before;

  lq_history_set_merge_window (history, 0);
  lq_chain_insert (chain, 0, eq);
  lq_chain_panel_set_history (panel, history);
  lq_chain_panel_set_chain (panel, chain, "Test");
  window = show_in_window (GTK_WIDGET (panel), 460, 980);
  if (!xinput_init (&x, GTK_WIDGET (panel)))
    {
      close_window (window);
      g_test_skip ("needs an X11 display with XTest");
      return;
    }

  /* The slider: press, five moves, release. */
  scale = lq_param_row_get_control (expanded_row (card_at (panel, 1), "threshold"));
  pump (100);
  w = gtk_widget_get_width (scale);
  xinput_move (&x, scale, w * 0.3, gtk_widget_get_height (scale) / 2.0);
  xinput_button (&x, TRUE);
  for (int i = 1; i <= 5; i++)
    xinput_move (&x, scale, w * (0.3 + 0.08 * i), gtk_widget_get_height (scale) / 2.0);
  xinput_button (&x, FALSE);
  g_assert_nonnull (lq_chain_element_get (comp, "threshold"));
  g_assert_cmpfloat (stored (comp, "threshold"), >, -40.0);
  g_assert_cmpuint (lq_history_get_n_undo (history), ==, 1);
  g_assert_true (lq_history_undo (history));
  g_assert_null (lq_chain_element_get (comp, "threshold"));
  lq_element_card_set_expanded (card_at (panel, 1), FALSE);

  /* The EQ: drag band 2 (a bell at 400 Hz, 0 dB) right and up. */
  lq_element_card_set_expanded (card_at (panel, 0), TRUE);
  pump (100);
  graph = LQ_EQ_GRAPH (lq_ui_test_find_widget (GTK_WIDGET (card_at (panel, 0)), LQ_TYPE_EQ_GRAPH));
  g_assert_nonnull (graph);
  g_assert_true (lq_eq_graph_get_band_point (graph, 1, &x0, &y0));
  start_freq = stored (eq, "band1::freq");
  g_assert_cmpfloat (start_freq, ==, 400.0);
  before = lq_history_get_n_undo (history);
  xinput_move (&x, GTK_WIDGET (graph), x0, y0);
  xinput_button (&x, TRUE);
  for (int i = 1; i <= 4; i++)
    xinput_move (&x, GTK_WIDGET (graph), x0 + 10 * i, y0 - 8 * i);
  xinput_button (&x, FALSE);
  g_assert_cmpuint (lq_history_get_n_undo (history), ==, before + 1);
  g_assert_cmpint (lq_eq_graph_get_selected_band (graph), ==, 1);
  /* Where the pointer went is what the model holds (to the stored precision). */
  g_assert_cmpfloat_with_epsilon (stored (eq, "band1::freq"), lq_eq_graph_x_to_freq (graph, x0 + 40), 1.0);
  g_assert_cmpfloat_with_epsilon (stored (eq, "band1::gain"), lq_eq_graph_y_to_db (graph, y0 - 32), 0.051);
  g_assert_cmpfloat (stored (eq, "band1::gain"), >, 1.0);
  g_assert_true (lq_history_undo (history));
  g_assert_cmpfloat (stored (eq, "band1::freq"), ==, 400.0);
  g_assert_null (lq_chain_element_get (eq, "band1::gain"));

  /* The keyboard: with the graph focused, Right raises the band's frequency by 1/12 octave. */
  gtk_widget_grab_focus (GTK_WIDGET (graph));
  lq_eq_graph_set_selected_band (graph, 1);
  xinput_key (&x, 0, XK_Right);
  g_assert_cmpfloat_with_epsilon (stored (eq, "band1::freq"), round (400.0 * pow (2.0, 1.0 / 12.0)), 0.5);
  g_assert_true (lq_history_undo (history));

  /* Alt+Down on a focused card moves it down. */
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (graph)));
  xinput_key (&x, XK_Alt_L, XK_Down);
  g_assert_cmpstr (factory_at (chain, 0), ==, "lqcompressor");
  g_assert_cmpstr (factory_at (chain, 1), ==, "lqeq");
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (graph)));
  xinput_key (&x, XK_Alt_L, XK_Up);
  g_assert_cmpstr (factory_at (chain, 0), ==, "lqeq");

  close_window (window);
}

/* The header switch bypasses the element, undoably, and follows the model. */
static void
test_bypass_toggles (void)
{
  g_autoptr(LqChain) chain = chain_of ("lqeq", "lqcompressor", NULL);
  g_autoptr(LqHistory) history = lq_history_new ();
  LqChainElement *comp = lq_chain_get_element (chain, 1);
  LqChainPanel *panel = LQ_CHAIN_PANEL (lq_chain_panel_new ());
  GtkWindow *window;
  GtkWidget *toggle;

  lq_chain_panel_set_history (panel, history);
  lq_chain_panel_set_chain (panel, chain, "Test");
  window = show_in_window (GTK_WIDGET (panel), 460, 700);

  toggle = lq_ui_test_find_widget (GTK_WIDGET (card_at (panel, 1)), GTK_TYPE_SWITCH);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (toggle)));
  gtk_switch_set_active (GTK_SWITCH (toggle), FALSE);
  g_assert_true (lq_chain_element_get_bypass (comp));
  g_assert_false (lq_chain_element_get_bypass (lq_chain_get_element (chain, 0)));
  g_assert_true (lq_history_undo (history));
  g_assert_false (lq_chain_element_get_bypass (comp));
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (toggle)));
  g_assert_true (lq_history_redo (history));
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (toggle)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card_at (panel, 1)), "card.toggle-bypass", NULL));
  g_assert_false (lq_chain_element_get_bypass (comp));

  close_window (window);
}

static void
assert_cards_in_chain_order (LqChainPanel *panel,
                             LqChain      *chain)
{
  GtkWidget *card = GTK_WIDGET (card_at (panel, 0));

  for (guint i = 0; i < lq_chain_get_n_elements (chain); i++)
    {
      g_assert_nonnull (card);
      g_assert_true (lq_element_card_get_element (LQ_ELEMENT_CARD (card)) == lq_chain_get_element (chain, i));
      card = gtk_widget_get_next_sibling (card);
    }
  g_assert_null (card);
}

/* Move up/down actions change the chain's order (undoably); the cards follow, and the ends
 * cannot move further. A drop on a card moves the dropped element there. */
static void
test_reorder (void)
{
  g_autoptr(LqChain) chain = chain_of ("lqeq", "lqcompressor", "lqimager", NULL);
  g_autoptr(LqHistory) history = lq_history_new ();
  LqChainPanel *panel = LQ_CHAIN_PANEL (lq_chain_panel_new ());
  GtkWindow *window;
  LqElementCard *eq_card;
  GtkDropTarget *target = NULL;
  g_autoptr(GListModel) controllers = NULL;
  GValue value = G_VALUE_INIT;
  gboolean accepted = FALSE;

  lq_chain_panel_set_history (panel, history);
  lq_chain_panel_set_chain (panel, chain, "Test");
  window = show_in_window (GTK_WIDGET (panel), 460, 700);
  eq_card = card_at (panel, 0);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card_at (panel, 1)), "card.move-up", NULL));
  g_assert_cmpstr (factory_at (chain, 0), ==, "lqcompressor");
  g_assert_cmpstr (factory_at (chain, 1), ==, "lqeq");
  assert_cards_in_chain_order (panel, chain);
  /* The same card widget, now second. */
  g_assert_true (card_at (panel, 1) == eq_card);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (eq_card), "card.move-down", NULL));
  g_assert_cmpstr (factory_at (chain, 2), ==, "lqeq");
  /* The last cannot move down, the first cannot move up. */
  gtk_widget_activate_action (GTK_WIDGET (eq_card), "card.move-down", NULL);
  gtk_widget_activate_action (GTK_WIDGET (card_at (panel, 0)), "card.move-up", NULL);
  g_assert_cmpstr (factory_at (chain, 0), ==, "lqcompressor");
  g_assert_cmpstr (factory_at (chain, 1), ==, "lqimager");
  g_assert_cmpstr (factory_at (chain, 2), ==, "lqeq");
  assert_cards_in_chain_order (panel, chain);
  g_assert_cmpuint (lq_history_get_n_undo (history), ==, 2);
  g_assert_true (lq_history_undo (history));
  g_assert_true (lq_history_undo (history));
  g_assert_cmpstr (factory_at (chain, 0), ==, "lqeq");
  g_assert_cmpstr (factory_at (chain, 1), ==, "lqcompressor");
  g_assert_cmpstr (factory_at (chain, 2), ==, "lqimager");
  assert_cards_in_chain_order (panel, chain);

  /* Drop the EQ on the lower half of the imager's card: it goes after it. */
  controllers = gtk_widget_observe_controllers (GTK_WIDGET (card_at (panel, 2)));
  for (guint i = 0; i < g_list_model_get_n_items (controllers) && target == NULL; i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        target = GTK_DROP_TARGET (controller);
    }
  g_assert_nonnull (target);
  g_value_init (&value, LQ_TYPE_CHAIN_ELEMENT);
  g_value_set_object (&value, lq_chain_get_element (chain, 0));
  g_signal_emit_by_name (target, "drop", &value, 10.0,
                         (double) gtk_widget_get_height (GTK_WIDGET (card_at (panel, 2))) - 2.0, &accepted);
  g_value_unset (&value);
  g_assert_true (accepted);
  g_assert_cmpstr (factory_at (chain, 0), ==, "lqcompressor");
  g_assert_cmpstr (factory_at (chain, 1), ==, "lqimager");
  g_assert_cmpstr (factory_at (chain, 2), ==, "lqeq");
  assert_cards_in_chain_order (panel, chain);
  g_assert_true (lq_history_undo (history));
  g_assert_cmpstr (factory_at (chain, 0), ==, "lqeq");

  close_window (window);
}

/* Reset brings every setting back to the element's default in one undo step; a preset sets
 * its values and clears the others, also in one step. */
static void
test_reset_and_presets (void)
{
  g_autoptr(LqChain) chain = chain_of ("lqcompressor", NULL);
  g_autoptr(LqHistory) history = lq_history_new ();
  LqChainElement *comp = lq_chain_get_element (chain, 0);
  LqChainPanel *panel = LQ_CHAIN_PANEL (lq_chain_panel_new ());
  GtkWindow *window;
  LqParamRow *row;
  g_auto(GStrv) presets = NULL;

  lq_chain_panel_set_history (panel, history);
  lq_chain_panel_set_chain (panel, chain, "Test");
  window = show_in_window (GTK_WIDGET (panel), 460, 900);
  row = expanded_row (card_at (panel, 0), "ratio");

  lq_history_chain_element_set (history, comp, "threshold", "-30", NULL);
  lq_history_chain_element_set (history, comp, "ratio", "8", NULL);
  lq_history_chain_element_set (history, comp, "mix", "0.5", NULL);
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (GTK_SPIN_BUTTON (lq_param_row_get_entry (row))), 8.0, 1e-9);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card_at (panel, 0)), "card.reset", NULL));
  g_assert_null (lq_chain_element_get (comp, "threshold"));
  g_assert_null (lq_chain_element_get (comp, "ratio"));
  g_assert_null (lq_chain_element_get (comp, "mix"));
  /* The element's own default ratio is 2:1. */
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (GTK_SPIN_BUTTON (lq_param_row_get_entry (row))), 2.0, 1e-9);
  g_assert_cmpuint (lq_history_get_n_undo (history), ==, 4);
  g_assert_true (lq_history_undo (history));
  g_assert_cmpstr (lq_chain_element_get (comp, "threshold"), ==, "-30");
  g_assert_cmpstr (lq_chain_element_get (comp, "ratio"), ==, "8");
  g_assert_cmpstr (lq_chain_element_get (comp, "mix"), ==, "0.5");

  presets = lq_chain_presets_list ("lqcompressor");
  g_assert_true (g_strv_contains ((const char *const *) presets, "Gentle Glue"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card_at (panel, 0)), "card.preset", "s", "Gentle Glue"));
  /* The values of the preset as written in lq-chain-presets.json. */
  g_assert_cmpfloat (stored (comp, "threshold"), ==, -20.0);
  g_assert_cmpfloat (stored (comp, "ratio"), ==, 2.0);
  g_assert_cmpfloat (stored (comp, "knee"), ==, 6.0);
  g_assert_cmpfloat (stored (comp, "attack"), ==, 30.0);
  g_assert_cmpfloat (stored (comp, "release"), ==, 300.0);
  g_assert_cmpfloat (stored (comp, "makeup"), ==, 1.0);
  g_assert_cmpstr (lq_chain_element_get (comp, "auto-release"), ==, "true");
  g_assert_null (lq_chain_element_get (comp, "mix"));
  g_assert_true (lq_history_undo (history));
  g_assert_cmpstr (lq_chain_element_get (comp, "threshold"), ==, "-30");
  g_assert_cmpstr (lq_chain_element_get (comp, "mix"), ==, "0.5");
  g_assert_null (lq_chain_element_get (comp, "auto-release"));

  /* Every built-in preset of every element applies cleanly to a real element. */
  {
    static const char *const factories[] = { "lqeq", "lqcompressor", "lqmultiband", "lqimager", "lqlimiter", "lqdither", "lqstrip" };

    for (guint f = 0; f < G_N_ELEMENTS (factories); f++)
      {
        g_auto(GStrv) names = lq_chain_presets_list (factories[f]);

        for (guint i = 0; names[i] != NULL; i++)
          {
            g_autoptr(LqChainElement) element = lq_chain_element_new (factories[f]);
            g_autoptr(GstElement) instance = NULL;
            g_autoptr(GError) error = NULL;
            g_auto(GStrv) set = NULL;

            g_assert_true (lq_chain_presets_apply (NULL, element, names[i]));
            set = lq_chain_element_list_properties (element);
            g_assert_nonnull (set[0]);
            instance = lq_chain_element_instantiate (element, &error);
            g_assert_no_error (error);
          }
      }
  }

  close_window (window);
}

/* The Add menu's action inserts a new element (before a dither that ends the chain); the card
 * menu's remove takes one out; both undo. */
static void
test_add_and_remove (void)
{
  g_autoptr(LqChain) chain = chain_of ("lqeq", "lqdither", NULL);
  g_autoptr(LqHistory) history = lq_history_new ();
  LqChainPanel *panel = LQ_CHAIN_PANEL (lq_chain_panel_new ());
  GtkWindow *window;

  lq_chain_panel_set_history (panel, history);
  lq_chain_panel_set_chain (panel, chain, "Test");
  window = show_in_window (GTK_WIDGET (panel), 460, 700);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "chain.add", "s", "lqcompressor"));
  g_assert_cmpuint (lq_chain_get_n_elements (chain), ==, 3);
  g_assert_cmpstr (factory_at (chain, 1), ==, "lqcompressor");
  g_assert_cmpstr (factory_at (chain, 2), ==, "lqdither");
  g_assert_true (lq_element_card_get_expanded (card_at (panel, 1)));
  assert_cards_in_chain_order (panel, chain);
  g_assert_true (lq_history_undo (history));
  g_assert_cmpuint (lq_chain_get_n_elements (chain), ==, 2);
  assert_cards_in_chain_order (panel, chain);

  /* A new EQ starts with its initial four bands, all flat. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "chain.add", "s", "lqeq"));
  g_assert_cmpstr (lq_chain_element_get (lq_chain_get_element (chain, 1), "num-bands"), ==, "4");
  g_assert_null (lq_chain_element_get (lq_chain_get_element (chain, 1), "band0::gain"));
  g_assert_true (lq_history_undo (history));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card_at (panel, 0)), "card.remove", NULL));
  g_assert_cmpuint (lq_chain_get_n_elements (chain), ==, 1);
  g_assert_cmpstr (factory_at (chain, 0), ==, "lqdither");
  assert_cards_in_chain_order (panel, chain);
  g_assert_true (lq_history_undo (history));
  g_assert_cmpstr (factory_at (chain, 0), ==, "lqeq");
  assert_cards_in_chain_order (panel, chain);

  close_window (window);
}

/* The analogue prototypes of lq-biquad.h, in dB at f (s = j f / f0). */
static double
bell_db (double f, double f0, double gain_db, double q)
{
  double a = pow (10.0, gain_db / 40.0), w = f / f0, r = 1.0 - w * w;

  return 10.0 * log10 ((r * r + pow (w * a / q, 2)) / (r * r + pow (w / (a * q), 2)));
}

static double
high_shelf_db (double f, double f0, double gain_db, double q)
{
  double a = pow (10.0, gain_db / 40.0), w = f / f0;
  double num = pow (1.0 - a * w * w, 2) + w * w * a / (q * q);
  double den = pow (a - w * w, 2) + w * w * a / (q * q);

  return 10.0 * log10 (a * a * num / den);
}

/* The EQ curve as drawn equals the analogue response of its bands, summed in dB. */
static void
test_eq_curve (void)
{
  g_autoptr(LqChain) chain = chain_of ("lqeq", NULL);
  LqChainElement *eq = lq_chain_get_element (chain, 0);
  LqChainPanel *panel = LQ_CHAIN_PANEL (lq_chain_panel_new ());
  static const double freqs[] = { 50, 200, 700, 1000, 1400, 3000, 8000, 12000 };
  GtkWindow *window;
  LqEqGraph *graph;
  double x, y;

  lq_chain_element_set (eq, "num-bands", "2");
  lq_chain_element_set (eq, "band0::freq", "1000");
  lq_chain_element_set (eq, "band0::gain", "6");
  lq_chain_element_set (eq, "band0::q", "1");
  lq_chain_element_set (eq, "band1::type", "high-shelf");
  lq_chain_element_set (eq, "band1::freq", "8000");
  lq_chain_element_set (eq, "band1::gain", "-4");
  lq_chain_element_set (eq, "band1::q", "0.7071");
  lq_chain_panel_set_rate (panel, 96000);
  lq_chain_panel_set_chain (panel, chain, "Test");
  window = show_in_window (GTK_WIDGET (panel), 600, 900);
  lq_element_card_set_expanded (card_at (panel, 0), TRUE);
  pump (100);
  graph = LQ_EQ_GRAPH (lq_ui_test_find_widget (GTK_WIDGET (card_at (panel, 0)), LQ_TYPE_EQ_GRAPH));
  g_assert_nonnull (graph);
  g_assert_cmpfloat (lq_eq_graph_get_rate (graph), ==, 96000.0);

  for (guint i = 0; i < G_N_ELEMENTS (freqs); i++)
    {
      double expected = bell_db (freqs[i], 1000, 6, 1) + high_shelf_db (freqs[i], 8000, -4, 0.7071);
      double drawn = lq_eq_graph_get_drawn_db (graph, freqs[i], FALSE);

      g_test_message ("%5.0f Hz: drawn %+.4f dB, analogue %+.4f dB", freqs[i], drawn, expected);
      g_assert_cmpfloat_with_epsilon (drawn, expected, 0.05);
    }
  /* The bell's point sits at its gain. */
  g_assert_true (lq_eq_graph_get_band_point (graph, 0, &x, &y));
  g_assert_cmpfloat_with_epsilon (lq_eq_graph_y_to_db (graph, y), 6.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (lq_eq_graph_x_to_freq (graph, x), 1000.0, 1e-6);

  /* Put the bell on the side only: the mid loses it, the side keeps it. */
  lq_chain_element_set (eq, "band0::channels", "side");
  pump (20);
  g_assert_cmpfloat_with_epsilon (lq_eq_graph_get_drawn_db (graph, 1000, FALSE), high_shelf_db (1000, 8000, -4, 0.7071), 0.05);
  g_assert_cmpfloat_with_epsilon (lq_eq_graph_get_drawn_db (graph, 1000, TRUE),
                                  6.0 + high_shelf_db (1000, 8000, -4, 0.7071), 0.05);

  close_window (window);
}

/* The transfer curve as drawn equals the soft-knee static curve (Giannoulis et al.) plus
 * makeup. */
static double
soft_knee (double x, double t, double r, double w)
{
  if (2.0 * (x - t) < -w)
    return x;
  if (2.0 * (x - t) > w)
    return t + (x - t) / r;
  return x + (1.0 / r - 1.0) * pow (x - t + w / 2.0, 2) / (2.0 * w);
}

static void
test_transfer_curve (void)
{
  g_autoptr(LqChain) chain = chain_of ("lqcompressor", NULL);
  LqChainElement *comp = lq_chain_get_element (chain, 0);
  LqChainPanel *panel = LQ_CHAIN_PANEL (lq_chain_panel_new ());
  static const double inputs[] = { -50, -30, -24, -21, -20, -19, -16, -10, -2 };
  GtkWindow *window;
  LqTransferGraph *graph;

  lq_chain_element_set (comp, "threshold", "-20");
  lq_chain_element_set (comp, "ratio", "4");
  lq_chain_element_set (comp, "knee", "6");
  lq_chain_element_set (comp, "makeup", "2");
  lq_chain_panel_set_chain (panel, chain, "Test");
  window = show_in_window (GTK_WIDGET (panel), 460, 900);
  lq_element_card_set_expanded (card_at (panel, 0), TRUE);
  pump (100);
  graph = LQ_TRANSFER_GRAPH (lq_ui_test_find_widget (GTK_WIDGET (card_at (panel, 0)), LQ_TYPE_TRANSFER_GRAPH));
  g_assert_nonnull (graph);
  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      double expected = soft_knee (inputs[i], -20, 4, 6) + 2.0;
      double drawn = lq_transfer_graph_get_drawn_output (graph, inputs[i]);

      g_test_message ("in %+.1f dB: drawn %+.4f, expected %+.4f", inputs[i], drawn, expected);
      g_assert_cmpfloat_with_epsilon (drawn, expected, 0.02);
    }
  /* No live element: no meter. */
  g_assert_true (isnan (lq_transfer_graph_get_gain_reduction (graph)));

  /* The curve follows an edit. */
  lq_chain_element_set (comp, "ratio", "2");
  g_assert_cmpfloat_with_epsilon (lq_transfer_graph_get_drawn_output (graph, -10), soft_knee (-10, -20, 2, 6) + 2.0, 0.02);

  close_window (window);
}

/* With the running elements handed over, the compressor's meter and the limiter-style
 * history read their gain reduction. */
static void
test_live_meters (void)
{
  g_autoptr(LqChain) chain = chain_of ("lqcompressor", NULL);
  LqChainElement *comp = lq_chain_get_element (chain, 0);
  LqChainPanel *panel = LQ_CHAIN_PANEL (lq_chain_panel_new ());
  g_autoptr(GError) error = NULL;
  LqChainRunner *runner;
  GstElement *live;
  GtkWindow *window;
  LqTransferGraph *graph;
  g_autofree float *audio = g_new (float, 2 * 24000);
  double gr = 0.0;

  lq_chain_element_set (comp, "threshold", "-30");
  lq_chain_element_set (comp, "ratio", "10");
  runner = lq_chain_runner_new (chain, 48000, 2, &error);
  g_assert_no_error (error);
  /* Half a second of a full-scale 1 kHz sine: far above the threshold. */
  for (guint i = 0; i < 24000; i++)
    audio[2 * i] = audio[2 * i + 1] = (float) sin (2.0 * G_PI * 1000.0 * i / 48000.0);
  g_assert_true (lq_chain_runner_push (runner, audio, 24000, &error));
  g_assert_no_error (error);
  live = lq_chain_runner_get_element (runner, 0);
  g_object_get (live, "gain-reduction", &gr, NULL);
  g_assert_cmpfloat (gr, >, 10.0);

  lq_chain_panel_set_chain (panel, chain, "Test");
  window = show_in_window (GTK_WIDGET (panel), 460, 900);
  lq_element_card_set_expanded (card_at (panel, 0), TRUE);
  lq_chain_panel_set_live_elements (panel, chain, &live, 1);
  pump (100);
  graph = LQ_TRANSFER_GRAPH (lq_ui_test_find_widget (GTK_WIDGET (card_at (panel, 0)), LQ_TYPE_TRANSFER_GRAPH));
  g_assert_cmpfloat_with_epsilon (lq_transfer_graph_get_gain_reduction (graph), gr, 1e-9);

  /* Forgetting the live elements empties the meter. */
  lq_chain_panel_set_live_elements (panel, NULL, NULL, 0);
  g_assert_true (isnan (lq_transfer_graph_get_gain_reduction (graph)));

  close_window (window);
  lq_chain_runner_free (runner);
}

/* A project's track and master chains behind the Track/Master switch; a track of stems gets
 * the mixer: gain, mute, polarity and solo edit the strips through the history. */
static void
test_project_and_stems (void)
{
  g_autoptr(LqProject) project = lq_project_new ();
  g_autoptr(LqHistory) history = lq_history_new ();
  g_autoptr(GFile) plain = g_file_new_for_path ("/nonexistent/plain.wav");
  GFile *files[3] = {
    g_file_new_for_path ("/nonexistent/drums.wav"),
    g_file_new_for_path ("/nonexistent/bass.wav"),
    g_file_new_for_path ("/nonexistent/vocals.wav"),
  };
  g_autoptr(LqTrack) track = lq_track_new (plain);
  g_autoptr(LqTrack) stems = lq_track_new_for_stems (files, 3);
  LqChainPanel *panel = LQ_CHAIN_PANEL (lq_chain_panel_new ());
  LqChainElement *strips[3];
  GtkWindow *window;
  GtkWidget *mixer, *button;
  LqParamRow *gain;

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(LqStem) stem = g_list_model_get_item (lq_track_get_stems (stems), i);

      strips[i] = lq_stem_get_strip (stem);
      g_object_unref (files[i]);
    }
  lq_project_append_track (project, track);
  lq_project_append_track (project, stems);
  lq_chain_panel_set_history (panel, history);
  lq_chain_panel_set_project (panel, project);
  lq_chain_panel_set_track (panel, track);
  window = show_in_window (GTK_WIDGET (panel), 460, 900);

  g_assert_true (lq_chain_panel_get_chain (panel) == lq_track_get_chain (track));
  lq_chain_panel_set_show_master (panel, TRUE);
  g_assert_true (lq_chain_panel_get_chain (panel) == lq_project_get_master (project));
  lq_chain_panel_set_show_master (panel, FALSE);
  g_assert_true (lq_chain_panel_get_chain (panel) == lq_track_get_chain (track));
  mixer = lq_ui_test_find_widget (GTK_WIDGET (panel), LQ_TYPE_STEM_MIXER);
  g_assert_true (mixer == NULL || !gtk_widget_is_visible (mixer));

  lq_chain_panel_set_track (panel, stems);
  pump (50);
  mixer = lq_ui_test_find_widget (GTK_WIDGET (panel), LQ_TYPE_STEM_MIXER);
  g_assert_nonnull (mixer);
  g_assert_true (gtk_widget_is_visible (mixer));

  /* Gain of the first stem. */
  gain = LQ_PARAM_ROW (lq_ui_test_find_widget (mixer, LQ_TYPE_PARAM_ROW));
  g_assert_cmpstr (lq_param_row_get_property_name (gain), ==, "gain");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (lq_param_row_get_entry (gain)), -6.0);
  g_assert_cmpfloat (stored (strips[0], "gain"), ==, -6.0);
  g_assert_true (lq_history_undo (history));
  g_assert_null (lq_chain_element_get (strips[0], "gain"));

  /* Mute and polarity of the first stem, by its buttons. */
  button = lq_ui_test_find_widget (mixer, GTK_TYPE_TOGGLE_BUTTON);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "M");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), TRUE);
  g_assert_cmpstr (lq_chain_element_get (strips[0], "mute"), ==, "true");
  button = gtk_widget_get_next_sibling (gtk_widget_get_next_sibling (button));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), TRUE);
  g_assert_cmpstr (lq_chain_element_get (strips[0], "invert"), ==, "true");
  g_assert_true (lq_history_undo (history));
  g_assert_true (lq_history_undo (history));
  g_assert_null (lq_chain_element_get (strips[0], "mute"));

  /* Solo the bass: the others mute, in one step; clearing the solo restores the mutes. */
  lq_history_chain_element_set (history, strips[2], "mute", "true", NULL);
  lq_stem_mixer_set_solo (LQ_STEM_MIXER (mixer), 1, TRUE);
  g_assert_cmpstr (lq_chain_element_get (strips[0], "mute"), ==, "true");
  g_assert_cmpstr (lq_chain_element_get (strips[1], "mute"), ==, "false");
  g_assert_cmpstr (lq_chain_element_get (strips[2], "mute"), ==, "true");
  lq_stem_mixer_set_solo (LQ_STEM_MIXER (mixer), 1, FALSE);
  g_assert_cmpstr (lq_chain_element_get (strips[0], "mute"), ==, "false");
  g_assert_cmpstr (lq_chain_element_get (strips[1], "mute"), ==, "false");
  g_assert_cmpstr (lq_chain_element_get (strips[2], "mute"), ==, "true");
  g_assert_true (lq_history_undo (history)); /* the solo comes back */
  g_assert_true (lq_history_undo (history)); /* the solo goes, and the solo button with it */
  g_assert_false (lq_stem_mixer_get_solo (LQ_STEM_MIXER (mixer), 1));
  g_assert_null (lq_chain_element_get (strips[0], "mute"));
  g_assert_null (lq_chain_element_get (strips[1], "mute"));
  g_assert_cmpstr (lq_chain_element_get (strips[2], "mute"), ==, "true");

  /* The strip's editors: the same EQ curve and compressor curve. */
  button = gtk_widget_get_next_sibling (button);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), TRUE);
  pump (50);
  g_assert_nonnull (lq_ui_test_find_widget (mixer, LQ_TYPE_EQ_GRAPH));
  g_assert_nonnull (lq_ui_test_find_widget (mixer, LQ_TYPE_TRANSFER_GRAPH));

  close_window (window);
}

/* Every control of the panel, with every card open, has a tooltip and an accessible name and
 * is reached by Tab. */
static void
check_accessible (GtkWidget *widget,
                  guint     *n_checked,
                  GPtrArray *controls)
{
  gboolean control = GTK_IS_RANGE (widget) || GTK_IS_SPIN_BUTTON (widget) || GTK_IS_SWITCH (widget)
                     || GTK_IS_DROP_DOWN (widget) || GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget)
                     || LQ_IS_EQ_GRAPH (widget);

  if (GTK_IS_SCROLLBAR (widget) || !gtk_widget_get_visible (widget))
    return;
  if (control)
    {
      const char *type = G_OBJECT_TYPE_NAME (widget);

      if (gtk_widget_get_tooltip_text (widget) == NULL)
        g_error ("%s without a tooltip", type);
      if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL)
          && !gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
        g_error ("%s (%s) without an accessible name", type, gtk_widget_get_tooltip_text (widget));
      (*n_checked)++;
      if (controls != NULL)
        g_ptr_array_add (controls, widget);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    check_accessible (child, n_checked, controls);
}

/* Moves the focus forward as Tab does, until it has gone round, and checks that every one of
 * @controls (or a widget inside it) had it. */
static void
check_tab_reaches (GtkWindow *window,
                   GPtrArray *controls)
{
  g_autoptr(GHashTable) reached = g_hash_table_new (NULL, NULL);

  gtk_window_set_focus (window, NULL);
  for (guint step = 0; step < 4 * controls->len + 10; step++)
    {
      GtkWidget *focus;

      if (!gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD))
        gtk_window_set_focus (window, NULL); /* wrapped: start again */
      focus = gtk_root_get_focus (GTK_ROOT (window));
      for (GtkWidget *w = focus; w != NULL; w = gtk_widget_get_parent (w))
        if (g_ptr_array_find (controls, w, NULL))
          {
            g_hash_table_add (reached, w);
            break;
          }
    }
  /* Controls that do not apply (a bell's slope) are insensitive, and skipped by Tab. */
  for (guint i = 0; i < controls->len; i++)
    if (gtk_widget_is_sensitive (g_ptr_array_index (controls, i))
        && !g_hash_table_contains (reached, g_ptr_array_index (controls, i)))
      g_error ("%s (%s) is not reached by Tab", G_OBJECT_TYPE_NAME (g_ptr_array_index (controls, i)),
               gtk_widget_get_tooltip_text (g_ptr_array_index (controls, i)));
}

static void
test_accessible (void)
{
  g_autoptr(LqChain) chain = chain_of ("lqeq", "lqcompressor", "lqmultiband", "lqimager", "lqstrip", NULL);
  LqChainPanel *panel = LQ_CHAIN_PANEL (lq_chain_panel_new ());
  GtkWindow *window;
  guint n = 0;

  lq_chain_panel_set_chain (panel, chain, "Test");
  window = show_in_window (GTK_WIDGET (panel), 460, 900);
  for (guint i = 0; i < lq_chain_get_n_elements (chain); i++)
    lq_element_card_set_expanded (card_at (panel, i), TRUE);
  pump (100);
  {
    g_autoptr(GPtrArray) controls = g_ptr_array_new ();

    check_accessible (GTK_WIDGET (panel), &n, controls);
    g_test_message ("%u controls checked", n);
    g_assert_cmpuint (n, >, 100);
    check_tab_reaches (window, controls);
  }
  close_window (window);

  /* A project: the Track/Master switch, the stem mixer and a strip's editors. */
  {
    g_autoptr(LqProject) project = lq_project_new ();
    GFile *files[2] = { g_file_new_for_path ("/nonexistent/a.wav"), g_file_new_for_path ("/nonexistent/b.wav") };
    g_autoptr(LqTrack) track = lq_track_new_for_stems (files, 2);
    GtkWidget *mixer, *edit;

    g_object_unref (files[0]);
    g_object_unref (files[1]);
    lq_project_append_track (project, track);
    panel = LQ_CHAIN_PANEL (lq_chain_panel_new ());
    lq_chain_panel_set_project (panel, project);
    lq_chain_panel_set_track (panel, track);
    window = show_in_window (GTK_WIDGET (panel), 460, 900);
    mixer = lq_ui_test_find_widget (GTK_WIDGET (panel), LQ_TYPE_STEM_MIXER);
    /* The fourth toggle of the first stem opens its strip. */
    edit = lq_ui_test_find_widget (mixer, GTK_TYPE_TOGGLE_BUTTON);
    for (int i = 0; i < 3; i++)
      edit = gtk_widget_get_next_sibling (edit);
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (edit), TRUE);
    pump (100);
    n = 0;
    check_accessible (GTK_WIDGET (panel), &n, NULL);
    g_test_message ("%u controls checked with stems", n);
    g_assert_cmpuint (n, >, 40);
    close_window (window);
  }
}

/* ---- showcase, for screenshots ---- */

static void
showcase (guint seconds)
{
  g_autoptr(LqProject) project = lq_project_new ();
  g_autoptr(LqHistory) history = lq_history_new ();
  g_autoptr(GFile) file = g_file_new_for_path ("/tmp/ballad.wav");
  g_autoptr(LqTrack) track = lq_track_new (file);
  LqChain *chain = lq_track_get_chain (track);
  g_autoptr(LqChainElement) eq = lq_chain_presets_new_element ("lqeq");
  g_autoptr(LqChainElement) comp = lq_chain_element_new ("lqcompressor");
  g_autoptr(LqChainElement) imager = lq_chain_element_new ("lqimager");
  g_autoptr(LqChainElement) multiband = lq_chain_element_new ("lqmultiband");
  g_autoptr(LqChainElement) limiter = lq_chain_element_new ("lqlimiter");
  GtkWidget *panel = lq_chain_panel_new ();
  GtkWindow *window;
  g_autoptr(GError) error = NULL;
  LqChainRunner *runner;
  g_autofree float *audio = g_new (float, 2 * 4800);
  gint64 end;
  GstElement *live[5];

  lq_track_set_title (track, "Ballad");
  lq_project_append_track (project, track);
  lq_chain_presets_apply (NULL, eq, "Vocal Presence");
  lq_chain_element_set (eq, "band1::channels", "side");
  lq_chain_presets_apply (NULL, comp, "Gentle Glue");
  lq_chain_presets_apply (NULL, imager, "Mono Bass");
  lq_chain_presets_apply (NULL, limiter, "Loud");
  lq_chain_element_set (limiter, "drive", "18");
  lq_chain_append (chain, eq);
  lq_chain_append (chain, comp);
  lq_chain_append (chain, multiband);
  lq_chain_append (chain, imager);
  lq_chain_append (chain, limiter);
  lq_chain_panel_set_history (LQ_CHAIN_PANEL (panel), history);
  lq_chain_panel_set_project (LQ_CHAIN_PANEL (panel), project);
  lq_chain_panel_set_track (LQ_CHAIN_PANEL (panel), track);
  if (g_strcmp0 (g_getenv ("LQ_SHOWCASE_STEMS"), "1") == 0)
    {
      /* A track of stems instead, with the same chain after the mix. */
      GFile *files[3] = { g_file_new_for_path ("/tmp/Drums.wav"), g_file_new_for_path ("/tmp/Bass.wav"),
                          g_file_new_for_path ("/tmp/Vocals.wav") };
      LqTrack *stems = lq_track_new_for_stems (files, 3);

      for (guint i = 0; i < 3; i++)
        g_object_unref (files[i]);
      lq_track_set_title (stems, "Stems");
      lq_project_append_track (project, stems);
      lq_chain_panel_set_track (LQ_CHAIN_PANEL (panel), stems);
      g_object_unref (stems);
    }
  window = show_in_window (panel, 480, 980);
  gtk_window_set_title (window, "Lacquer — chain panel");
  /* LQ_SHOWCASE_EXPAND lists the cards to open ("01" by default); LQ_SHOWCASE_DARK=1 shows
   * the dark style. */
  for (const char *c = g_getenv ("LQ_SHOWCASE_EXPAND") ? g_getenv ("LQ_SHOWCASE_EXPAND") : "01"; *c; c++)
    if (*c >= '0' && *c <= '4' && lq_chain_panel_get_card (LQ_CHAIN_PANEL (panel), *c - '0') != NULL)
      lq_element_card_set_expanded (LQ_ELEMENT_CARD (lq_chain_panel_get_card (LQ_CHAIN_PANEL (panel), *c - '0')), TRUE);
  if (g_strcmp0 (g_getenv ("LQ_SHOWCASE_DARK"), "1") == 0)
    adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);

  runner = lq_chain_runner_new (chain, 48000, 2, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 5; i++)
    live[i] = lq_chain_runner_get_element (runner, i);
  lq_chain_panel_set_live_elements (LQ_CHAIN_PANEL (panel), chain, live, 5);
  end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  for (guint block = 0; g_get_monotonic_time () < end; block++)
    {
      /* A pulsing sine, so the meters move. */
      double level = 0.2 + 0.8 * fabs (sin (block * 0.05));

      for (guint i = 0; i < 4800; i++)
        audio[2 * i] = audio[2 * i + 1] = (float) (level * sin (2.0 * G_PI * 220.0 * (block * 4800 + i) / 48000.0));
      lq_chain_runner_push (runner, audio, 4800, NULL);
      while (lq_chain_runner_available (runner) > 0)
        lq_chain_runner_read (runner, audio, 4800);
      pump (100);
    }
  lq_chain_panel_set_live_elements (LQ_CHAIN_PANEL (panel), NULL, NULL, 0);
  close_window (window);
  lq_chain_runner_free (runner);
}

int
main (int argc, char **argv)
{
  const char *show = g_getenv ("LQ_CHAIN_PANEL_SHOWCASE");

  lq_ui_test_init (&argc, &argv, NULL);

  if (show != NULL)
    {
      showcase (MAX (1, atoi (show)));
      return 0;
    }

  /* No animations: a card opens at once. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_func ("/lq/chain-panel/slider-moves-property", test_slider_moves_property);
  g_test_add_func ("/lq/chain-panel/drags-are-one-step", test_drags_are_one_step);
  g_test_add_func ("/lq/chain-panel/bypass-toggles", test_bypass_toggles);
  g_test_add_func ("/lq/chain-panel/reorder", test_reorder);
  g_test_add_func ("/lq/chain-panel/reset-and-presets", test_reset_and_presets);
  g_test_add_func ("/lq/chain-panel/add-and-remove", test_add_and_remove);
  g_test_add_func ("/lq/chain-panel/eq-curve", test_eq_curve);
  g_test_add_func ("/lq/chain-panel/transfer-curve", test_transfer_curve);
  g_test_add_func ("/lq/chain-panel/live-meters", test_live_meters);
  g_test_add_func ("/lq/chain-panel/project-and-stems", test_project_and_stems);
  g_test_add_func ("/lq/chain-panel/accessible", test_accessible);

  return g_test_run ();
}
