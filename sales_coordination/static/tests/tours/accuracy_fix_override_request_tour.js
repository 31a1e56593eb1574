import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sales_coordination_accuracy_fix_banner", {
    steps: () => [
        {
            content: "The banner shows the case-pack issue and its fix",
            trigger: ".o_sc_accuracy_banner .o_data_row:contains(come in packs of 12 (Case)):contains(Order 12 (1 Case))",
        },
        {
            content: "Fix it in one click",
            trigger: ".o_sc_accuracy_banner .o_data_row button[name='action_fix']",
            run: "click",
        },
        {
            content: "The banner is gone",
            trigger: ".o_form_view:not(:has(.o_sc_accuracy_banner))",
        },
        {
            content: "The order passes",
            trigger: ".o_form_view .o_field_widget[name='accuracy_state'] :contains(Passed)",
        },
        {
            content: "The line holds a whole case",
            trigger: ".o_field_widget[name='order_line'] .o_data_row td[name='product_uom_qty']:contains(12)",
        },
    ],
});

registry.category("web_tour.tours").add("sales_coordination_accuracy_request_override", {
    steps: () => [
        {
            content: "Confirm the blocked quotation",
            trigger: ".o_form_view button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The dialog lists the blocking issue",
            trigger: ".modal .o_field_widget[name='issue_ids'] .o_data_row:contains(street)",
        },
        {
            content: "A salesperson may not override",
            trigger: ".modal:not(:has(button[name='action_override']))",
        },
        {
            content: "Give the reason",
            trigger: ".modal div[name='reason'] textarea",
            run: "edit The customer collects at our dock",
        },
        {
            content: "Ask a manager for an override",
            trigger: ".modal button[name='action_request_override']",
            run: "click",
        },
        {
            content: "The quotation shows the pending request",
            trigger: ".o_sc_override_request:contains(The customer collects at our dock)",
        },
    ],
});

registry.category("web_tour.tours").add("sales_coordination_accuracy_approve_from_queue", {
    steps: () => [
        {
            content: "The request waits in the queue, with its reason",
            trigger: ".o_list_view .o_data_row:contains(Tour Pet Shop):contains(The customer collects at our dock)",
        },
        {
            content: "Decide",
            trigger: ".o_data_row:contains(Tour Pet Shop) button.o_sc_override_decide",
            run: "click",
        },
        {
            content: "Give the reason",
            trigger: ".modal div[name='reason'] textarea",
            run: "edit Regular customer, dock pickup agreed",
        },
        {
            content: "Approve the override",
            trigger: ".modal button[name='action_override']:contains(Override)",
            run: "click",
        },
        {
            content: "The queue is empty of it",
            trigger: ".o_action_manager:not(:has(.modal)) .o_view_controller:not(:has(.o_data_row:contains(Tour Pet Shop)))",
        },
    ],
});
