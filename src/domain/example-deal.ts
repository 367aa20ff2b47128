import type { Handoff } from './handoff';

/**
 * One realistic closed-won deal (a bank replacing its card platform): the handoff and the Sales
 * owner that the tests' fixtures and the throughput benchmark send, so both exercise the same
 * complete handoff.
 */
export const EXAMPLE_HANDOFF: Handoff = {
  goals: ['Replace the legacy card platform'],
  successCriteria: ['90% of card transactions on the new platform by day 90'],
  technicalRequirements: ['SSO via SAML', 'Core banking API'],
  stakeholders: [
    { name: 'Dana Whitfield', role: 'CFO', email: 'dana.whitfield@customer.example', executiveSponsor: true },
    { name: 'Ravi Menon', role: 'Head of IT', email: 'ravi.menon@customer.example' },
  ],
  salesPromises: ['Dedicated migration rehearsal'],
  targetGoLive: '2027-03-01',
  complianceScope: { dataResidency: 'EU', kycRequired: true, frameworks: ['PCI-DSS'] },
  migrationScope: 'Accounts, cards and 24 months of payment history',
};

export const EXAMPLE_SALES_OWNER = { name: 'Sam Carter', email: 'sam.carter@vendor.example' };
