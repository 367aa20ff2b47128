import { Allow } from '../auth/access.decorator';
import { ROUTE_ROLES } from '../auth/route-roles';
import { Body, Controller, Delete, Get, Param, PipeTransform, Put, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { invalidRequest } from '../common/problem-details';
import { PutCsmDto } from './dto/put-csm.dto';
import { RosterService } from './roster.service';

/** CSM ids appear in search attributes and URLs: short, without spaces or personal data. */
class CsmIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/.test(value)) {
      throw invalidRequest([{ path: 'id', message: "CSM id must be 1-64 letters, digits, '.', '_', ':' or '-'" }]);
    }
    return value;
  }
}

const ID = { name: 'id', example: 'csm-ana', description: '1-64 letters, digits, ".", "_", ":" or "-"' };

@ApiTags('roster')
@Controller('csms')
export class RosterController {
  constructor(private readonly roster: RosterService) {}

  @Get()
  @Allow(...ROUTE_ROLES.readConfiguration)
  @ApiOperation({ summary: 'The CSM roster, with each CSM’s load (onboardings held)' })
  @ApiResponse({ status: 200, description: '[{ id, name, email, tiers, capacity, active, load }]' })
  list() {
    return this.roster.list();
  }

  @Get(':id')
  @Allow(...ROUTE_ROLES.readConfiguration)
  @ApiParam(ID)
  @ApiOperation({ summary: 'One CSM of the roster, with its load' })
  @ApiResponse({ status: 200, description: 'The CSM with its load' })
  @ApiResponse({ status: 404, description: 'Unknown CSM' })
  get(@Param('id', CsmIdPipe) id: string) {
    return this.roster.get(id);
  }

  @Put(':id')
  @Allow(...ROUTE_ROLES.manageRoster)
  @ApiParam(ID)
  @ApiOperation({ summary: 'Create or replace a CSM; onboardings waiting for a seat try again at once' })
  @ApiResponse({ status: 201, description: 'Created: the CSM with its load' })
  @ApiResponse({ status: 200, description: 'Replaced: the CSM with its load' })
  @ApiResponse({ status: 400, description: 'Invalid id or body; the message names the field' })
  async put(@Param('id', CsmIdPipe) id: string, @Body() body: PutCsmDto, @Res({ passthrough: true }) res: Response) {
    const { csm, created } = await this.roster.put(id, body);
    res.status(created ? 201 : 200).location(`/csms/${id}`);
    return csm;
  }

  @Delete(':id')
  @Allow(...ROUTE_ROLES.manageRoster)
  @ApiParam(ID)
  @ApiOperation({ summary: 'Deactivate a CSM: no new onboardings; those held stay' })
  @ApiResponse({ status: 200, description: 'The CSM, inactive' })
  @ApiResponse({ status: 404, description: 'Unknown CSM' })
  deactivate(@Param('id', CsmIdPipe) id: string) {
    return this.roster.deactivate(id);
  }
}
